// CurlFetcher against a scripted HTTP/1.1 server on 127.0.0.1: responses, redirects, ranges and
// the bearer token. Bounds, failures and cancellation are in fetch_curl_limits_test.cpp.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "daemon/fetch/fetcher.hpp"
#include "tests/unit/daemon/fetch_test_server.hpp"

namespace mirrord {
namespace {

using namespace std::chrono_literals;
using namespace fetch_test;

TEST_F(CurlFetcherTest, DeliversBodyOf200ToSink) {
  server.on("/file", reply(response(200, "hello world", "X-Repo-Commit: abc\r\n")));
  auto result = fetch(get(server.url("/file")));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(body.bytes, "hello world");
  EXPECT_EQ(result->body_bytes, 11u);
  EXPECT_EQ(result->header("x-repo-commit"), "abc");
}

TEST_F(CurlFetcherTest, AsksForIdentityEncodingAndSendsUserAgent) {
  server.on("/file", reply(response(200, "x")));
  ASSERT_TRUE(fetch(get(server.url("/file"))).ok());
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].header("Accept-Encoding"), "identity");
  EXPECT_EQ(seen[0].header("User-Agent"), "mirrord/0.1");
  EXPECT_FALSE(seen[0].header("Range").has_value());
}

TEST_F(CurlFetcherTest, EncodedBodyIsRefusedNotDecoded) {
  server.on("/gz", reply(response(200, "\x1f\x8b garbage", "Content-Encoding: gzip\r\n")));
  auto result = fetch(get(server.url("/gz")));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kUpstream);
  EXPECT_EQ(body.calls, 0);
}

TEST_F(CurlFetcherTest, ErrorBodyIsNotPassedToSink) {
  server.on("/missing",
            reply(response(404, "{\"error\":\"nope\"}", "X-Error-Code: EntryNotFound\r\n")));
  auto result = fetch(get(server.url("/missing")));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->status, 404);
  EXPECT_EQ(result->header("X-Error-Code"), "EntryNotFound");
  EXPECT_EQ(body.calls, 0);
}

TEST_F(CurlFetcherTest, FollowsRedirectChainAndKeepsOnlyFinalHeaders) {
  server.on("/a", reply(response(302, "", "Location: /b\r\nX-Hop: a\r\n")));
  server.on("/b", reply(response(307, "", "Location: " + server.url("/c") + "\r\n")));
  server.on("/c", reply(response(200, "final", "X-Final: yes\r\n")));
  auto result = fetch(get(server.url("/a")));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(body.bytes, "final");
  EXPECT_EQ(result->header("X-Final"), "yes");
  EXPECT_FALSE(result->header("X-Hop").has_value());
  EXPECT_FALSE(result->header("Location").has_value());
  EXPECT_EQ(result->effective_url, server.url("/c"));
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST_F(CurlFetcherTest, RedirectLoopFailsAsPermanentUpstreamError) {
  server.on("/loop", reply(response(302, "", "Location: /loop\r\n")));
  auto result = fetch(get(server.url("/loop")));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kUpstream);
  EXPECT_LE(server.requests().size(), 6u);  // the first request and at most max_redirects more
}

TEST_F(CurlFetcherTest, RedirectToAnotherSchemeIsRefused) {
  server.on("/to-file", reply(response(302, "", "Location: file:///etc/passwd\r\n")));
  server.on("/to-ftp", reply(response(302, "", "Location: ftp://127.0.0.1/x\r\n")));
  for (const char* target : {"/to-file", "/to-ftp"}) {
    auto result = fetch(get(server.url(target)));
    ASSERT_FALSE(result.ok()) << target;
    EXPECT_EQ(result.error().code, ErrorCode::kUpstream) << target;
  }
  EXPECT_EQ(body.calls, 0);
}

TEST_F(CurlFetcherTest, NonHttpUrlIsRefused) {
  auto result = fetch(get("file:///etc/passwd"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(body.calls, 0);
}

TEST_F(CurlFetcherTest, SendsRangeAndFeedsTheContinuation) {
  server.on("/file", reply(response(206, "56789", "Content-Range: bytes 5-9/10\r\n")));
  FetchRequest request = get(server.url("/file"));
  request.range_start = 5;
  auto result = fetch(request);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->status, 206);
  EXPECT_EQ(body.bytes, "56789");
  EXPECT_EQ(server.requests().at(0).header("Range"), "bytes=5-");
}

TEST_F(CurlFetcherTest, WholeBodyAnsweringARangeIsNotFedToSink) {
  server.on("/file", reply(response(200, "0123456789")));
  FetchRequest request = get(server.url("/file"));
  request.range_start = 5;
  auto result = fetch(request);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(body.calls, 0);  // appending it after 5 kept bytes would corrupt them
}

TEST_F(CurlFetcherTest, PartialContentAtTheWrongOffsetIsNotFedToSink) {
  server.on("/file", reply(response(206, "23456789", "Content-Range: bytes 2-9/10\r\n")));
  FetchRequest request = get(server.url("/file"));
  request.range_start = 5;
  auto result = fetch(request);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->status, 206);
  EXPECT_EQ(body.calls, 0);
}

TEST_F(CurlFetcherTest, BearerTokenIsSentToTheSameOriginAcrossRedirects) {
  server.on("/api", reply(response(307, "", "Location: /api/canonical\r\n")));
  server.on("/api/canonical", reply(response(200, "{}")));
  FetcherOptions options = quick_options();
  options.bearer_token = "hf_s3cret";
  ASSERT_TRUE(fetch(get(server.url("/api")), options).ok());
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].header("Authorization"), "Bearer hf_s3cret");
  EXPECT_EQ(seen[1].header("Authorization"), "Bearer hf_s3cret");
}

TEST_F(CurlFetcherTest, BearerTokenIsNotSentToAnotherPortAfterRedirect) {
  ScriptedServer cdn;
  cdn.on("/blob", reply(response(200, "weights")));
  server.on("/resolve", reply(response(302, "", "Location: " + cdn.url("/blob") + "\r\n")));
  FetcherOptions options = quick_options();
  options.bearer_token = "hf_s3cret";
  auto result = fetch(get(server.url("/resolve")), options);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(body.bytes, "weights");
  EXPECT_EQ(server.requests().at(0).header("Authorization"), "Bearer hf_s3cret");
  ASSERT_EQ(cdn.requests().size(), 1u);
  EXPECT_FALSE(cdn.requests()[0].header("Authorization").has_value());
}

TEST_F(CurlFetcherTest, BearerTokenIsNotSentToAnotherHostNameAfterRedirect) {
  // Same address and port, different host name: libcurl compares names, so this is "elsewhere".
  const std::string elsewhere = "http://localhost:" + std::to_string(server.port()) + "/blob";
  server.on("/resolve", reply(response(302, "", "Location: " + elsewhere + "\r\n")));
  server.on("/blob", reply(response(200, "weights")));
  FetcherOptions options = quick_options();
  options.bearer_token = "hf_s3cret";
  auto result = fetch(get(server.url("/resolve")), options);
  ASSERT_TRUE(result.ok()) << result.error().message;
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].header("Authorization"), "Bearer hf_s3cret");
  EXPECT_FALSE(seen[1].header("Authorization").has_value());
}

TEST_F(CurlFetcherTest, NoAuthorizationWithoutAToken) {
  server.on("/api", reply(response(200, "{}")));
  ASSERT_TRUE(fetch(get(server.url("/api"))).ok());
  EXPECT_FALSE(server.requests().at(0).header("Authorization").has_value());
}

TEST_F(CurlFetcherTest, PostSendsTheBodyAndExtraHeaders) {
  server.on("/api/paths-info", reply(response(200, "[]")));
  FetchRequest request = get(server.url("/api/paths-info"));
  request.post_body = "paths=config.json&expand=false";
  request.headers = {"Content-Type: application/x-www-form-urlencoded"};
  ASSERT_TRUE(fetch(request).ok());
  const auto seen = server.requests().at(0);
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.body, "paths=config.json&expand=false");
  EXPECT_EQ(seen.header("Content-Type"), "application/x-www-form-urlencoded");
}

TEST_F(CurlFetcherTest, HeaderLineWithLineBreakIsRefused) {
  FetchRequest request = get(server.url("/file"));
  request.headers = {"X-Test: a\r\nAuthorization: Bearer smuggled"};
  auto result = fetch(request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidInput);
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(CurlFetcherTest, ConsecutiveFetchesOnOneFetcherAreIndependent) {
  server.on("/one", reply(response(200, "1")));
  server.on("/two", reply(response(206, "2", "Content-Range: bytes 9-9/10\r\n")));
  auto fetcher = make_curl_fetcher(quick_options());
  CollectingSink first;
  FetchRequest ranged = get(server.url("/two"));
  ranged.range_start = 9;
  ASSERT_TRUE(fetcher->fetch(ranged, first.sink(), nullptr).ok());
  CollectingSink second;
  ASSERT_TRUE(fetcher->fetch(get(server.url("/one")), second.sink(), nullptr).ok());
  EXPECT_EQ(first.bytes, "2");
  EXPECT_EQ(second.bytes, "1");
  // A reused handle must not carry the previous request's Range.
  EXPECT_FALSE(server.requests().at(1).header("Range").has_value());
}

}  // namespace
}  // namespace mirrord
