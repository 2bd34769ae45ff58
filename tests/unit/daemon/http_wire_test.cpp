// The server's framing rules and response serialization, without sockets.
#include "daemon/http/wire.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace mirrord::http {
namespace {

Headers headers_of(std::initializer_list<std::pair<std::string, std::string>> items) {
  Headers headers;
  for (const auto& [name, value] : items)
    headers.add(name, value);
  return headers;
}

TEST(RefusalStatus, AcceptsOrdinaryRequests) {
  EXPECT_EQ(refusal_status("GET", "/api/models/a/b", {}), std::nullopt);
  EXPECT_EQ(refusal_status("GET", "/x", headers_of({{"Content-Length", "0"}})), std::nullopt);
  EXPECT_EQ(refusal_status("POST", "/x", headers_of({{"Content-Length", "12"}})), std::nullopt);
  EXPECT_EQ(refusal_status("POST", "/x", headers_of({{"Transfer-Encoding", "Chunked"}})),
            std::nullopt);
  EXPECT_EQ(refusal_status("OPTIONS", "*", {}), std::nullopt);
  EXPECT_EQ(refusal_status("BREW", "/pot", {}), std::nullopt);  // the handler answers 405
}

TEST(RefusalStatus, RefusesTargetsNotInOriginForm) {
  EXPECT_EQ(refusal_status("GET", "http://evil.example/x", {}), 400);
  EXPECT_EQ(refusal_status("GET", "*", {}), 400);
  EXPECT_EQ(refusal_status("GET", "", {}), 400);
  EXPECT_EQ(refusal_status("CONNECT", "host:443", {}), 400);
}

TEST(RefusalStatus, RefusesAmbiguousFraming) {
  EXPECT_EQ(refusal_status("POST", "/x",
                           headers_of({{"Content-Length", "5"}, {"Transfer-Encoding", "chunked"}})),
            400);
  EXPECT_EQ(
      refusal_status("POST", "/x", headers_of({{"Content-Length", "5"}, {"Content-Length", "5"}})),
      400);
  EXPECT_EQ(refusal_status("POST", "/x", headers_of({{"Content-Length", "5, 5"}})), 400);
  EXPECT_EQ(refusal_status("POST", "/x", headers_of({{"Transfer-Encoding", "gzip"}})), 400);
  EXPECT_EQ(refusal_status("POST", "/x", headers_of({{"Transfer-Encoding", "chunked, gzip"}})),
            400);
  EXPECT_EQ(refusal_status(
                "POST", "/x",
                headers_of({{"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "chunked"}})),
            400);
}

TEST(RefusalStatus, RefusesBodiesOnGetAndHead) {
  EXPECT_EQ(refusal_status("GET", "/x", headers_of({{"Content-Length", "3"}})), 400);
  EXPECT_EQ(refusal_status("HEAD", "/x", headers_of({{"Transfer-Encoding", "chunked"}})), 400);
}

WireContext context(bool head = false, bool keep_alive = true, bool http10 = false) {
  return WireContext{head, http10, keep_alive, "00000000000000ab"};
}

TEST(ToWire, SetsServerOwnedHeaders) {
  Response response = text_response(200, "hello");
  response.headers.add("Content-Length", "999");  // a handler's wrong length never goes out
  response.headers.add("Server", "other");
  WireResponse wire = to_wire(std::move(response), context());
  EXPECT_TRUE(wire.head.starts_with("HTTP/1.1 200 OK\r\n"));
  EXPECT_NE(wire.head.find("\r\nContent-Length: 5\r\n"), std::string::npos);
  EXPECT_EQ(wire.head.find("999"), std::string::npos);
  EXPECT_NE(wire.head.find("\r\nServer: mirrord\r\n"), std::string::npos);
  EXPECT_EQ(wire.head.find("other"), std::string::npos);
  EXPECT_NE(wire.head.find("\r\nX-Request-Id: 00000000000000ab\r\n"), std::string::npos);
  EXPECT_NE(wire.head.find("\r\nDate: "), std::string::npos);
  EXPECT_NE(wire.head.find("\r\nContent-Type: text/plain\r\n"), std::string::npos);
  EXPECT_TRUE(wire.head.ends_with("\r\n\r\n"));
  EXPECT_EQ(wire.head.find("Connection"), std::string::npos);
  EXPECT_EQ(wire.body, "hello");
  EXPECT_EQ(wire.content_length, 5u);
}

TEST(ToWire, HeadKeepsTheLengthButSendsNoBody) {
  Response response = text_response(200, "hello");
  WireResponse wire = to_wire(std::move(response), context(/*head=*/true));
  EXPECT_NE(wire.head.find("\r\nContent-Length: 5\r\n"), std::string::npos);
  EXPECT_TRUE(wire.body.empty());
  EXPECT_EQ(wire.content_length, 0u);

  Response blob;
  blob.head_content_length = 988097824;
  WireResponse blob_wire = to_wire(std::move(blob), context(true));
  EXPECT_NE(blob_wire.head.find("\r\nContent-Length: 988097824\r\n"), std::string::npos);
  EXPECT_FALSE(blob_wire.file);
}

TEST(ToWire, FileBodyLengthComesFromTheRange) {
  Response response;
  response.status = 206;
  response.file = FileBody{std::make_shared<UniqueFd>(), 100, 4096};
  WireResponse wire = to_wire(std::move(response), context());
  EXPECT_TRUE(wire.head.starts_with("HTTP/1.1 206 Partial Content\r\n"));
  EXPECT_NE(wire.head.find("\r\nContent-Length: 4096\r\n"), std::string::npos);
  ASSERT_TRUE(wire.file);
  EXPECT_EQ(wire.file->offset, 100u);
  EXPECT_EQ(wire.content_length, 4096u);
}

TEST(ToWire, NoContentHasNeitherBodyNorLength) {
  Response response = text_response(204, "ignored");
  WireResponse wire = to_wire(std::move(response), context());
  EXPECT_TRUE(wire.head.starts_with("HTTP/1.1 204 No Content\r\n"));
  EXPECT_EQ(wire.head.find("Content-Length"), std::string::npos);
  EXPECT_TRUE(wire.body.empty());
  EXPECT_EQ(wire.content_length, 0u);
}

TEST(ToWire, DropsHeadersThatCouldSplitTheResponse) {
  Response response = text_response(200, "x");
  response.headers.add("X-Evil", "a\r\nSet-Cookie: s=1");
  response.headers.add("Bad Name", "v");
  response.headers.add("X-Fine", "ok");
  WireResponse wire = to_wire(std::move(response), context());
  EXPECT_EQ(wire.head.find("Set-Cookie"), std::string::npos);
  EXPECT_EQ(wire.head.find("Bad Name"), std::string::npos);
  EXPECT_NE(wire.head.find("\r\nX-Fine: ok\r\n"), std::string::npos);
}

TEST(ToWire, AnnouncesHowTheConnectionContinues) {
  WireResponse closing = to_wire(text_response(400, "x"), context(false, /*keep_alive=*/false));
  EXPECT_NE(closing.head.find("\r\nConnection: close\r\n"), std::string::npos);
  WireResponse http10 = to_wire(text_response(200, "x"), context(false, true, /*http10=*/true));
  EXPECT_NE(http10.head.find("\r\nConnection: keep-alive\r\n"), std::string::npos);
}

TEST(ToWire, InvalidStatusBecomes500AndUnknownCodesKeepTheirNumber) {
  Response response;
  response.status = 42;
  EXPECT_TRUE(to_wire(std::move(response), context()).head.starts_with("HTTP/1.1 500 "));
  Response unusual;
  unusual.status = 299;
  EXPECT_TRUE(to_wire(std::move(unusual), context()).head.starts_with("HTTP/1.1 299 Unknown\r\n"));
}

TEST(HttpDate, FormatsImfFixdate) {
  EXPECT_EQ(http_date(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(http_date(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");  // from the cache
}

TEST(RequestId, IdsAreUniqueHex) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = next_request_id();
    EXPECT_EQ(id.size(), 16u);
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(SaneRequestId, KeepsAClientTokenAndRefusesAnythingThatCouldForgeALogField) {
  EXPECT_EQ(sane_request_id("lb-42.abc_Z:9"), "lb-42.abc_Z:9");
  EXPECT_EQ(sane_request_id(std::string(64, 'a')), std::string(64, 'a'));
  EXPECT_EQ(sane_request_id(std::string(65, 'a')), std::nullopt);
  EXPECT_EQ(sane_request_id(""), std::nullopt);
  EXPECT_EQ(sane_request_id(std::nullopt), std::nullopt);
  EXPECT_EQ(sane_request_id("a b"), std::nullopt);
  EXPECT_EQ(sane_request_id("x\"y"), std::nullopt);
  EXPECT_EQ(sane_request_id("id=1"), std::nullopt);
  EXPECT_EQ(sane_request_id("a\r\nX-Evil: 1"), std::nullopt);
}

}  // namespace
}  // namespace mirrord::http
