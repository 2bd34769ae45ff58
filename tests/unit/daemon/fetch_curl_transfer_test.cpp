// CurlTransfer fed directly, the way libcurl's callbacks feed it.
#include <gtest/gtest.h>

#include "daemon/fetch/curl_transfer.hpp"

namespace mirrord {
namespace {

std::span<const std::byte> bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::byte*>(text.data()), text.size()};
}

class CurlTransferTest : public ::testing::Test {
 protected:
  CurlTransfer transfer() { return CurlTransfer(request, sink, &cancel, "http://h/x"); }
  void feed_headers(CurlTransfer& t, std::initializer_list<std::string_view> lines) {
    for (auto line : lines) {
      ASSERT_TRUE(t.on_header_line(line)) << line;
    }
  }

  FetchRequest request;
  std::string received;
  BodySink sink = [this](std::span<const std::byte> chunk) {
    received.append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
    return Status{};
  };
  std::atomic<bool> cancel{false};
};

TEST_F(CurlTransferTest, EachStatusLineStartsAFreshResponse) {
  auto t = transfer();
  feed_headers(
      t, {"HTTP/1.1 302 Found\r\n", "Location: /b\r\n", "X-Old: 1\r\n", "\r\n",
          "HTTP/1.1 100 Continue\r\n", "\r\n", "HTTP/2 200 \r\n", "content-length: 2\r\n", "\r\n"});
  EXPECT_EQ(t.response().status, 200);
  EXPECT_FALSE(t.response().header("Location"));
  EXPECT_FALSE(t.response().header("X-Old"));
  EXPECT_EQ(t.response().header("Content-Length"), "2");
}

TEST_F(CurlTransferTest, FoldedHeaderLinesContinueTheValue) {
  auto t = transfer();
  feed_headers(t, {"HTTP/1.1 200 OK\r\n", "X-Long: first\r\n", "\tsecond\r\n"});
  EXPECT_EQ(t.response().header("X-Long"), "first second");
}

TEST_F(CurlTransferTest, TooManyHeadersAbort) {
  auto t = transfer();
  ASSERT_TRUE(t.on_header_line("HTTP/1.1 200 OK\r\n"));
  bool accepted = true;
  for (std::size_t i = 0; i <= CurlTransfer::kMaxHeaderCount && accepted; ++i) {
    accepted = t.on_header_line("X-Flood: " + std::to_string(i) + "\r\n");
  }
  EXPECT_FALSE(accepted);
  ASSERT_TRUE(t.failure());
  EXPECT_EQ(t.failure()->code, ErrorCode::kUpstream);
}

TEST_F(CurlTransferTest, OversizedHeaderBytesAbort) {
  auto t = transfer();
  ASSERT_TRUE(t.on_header_line("HTTP/1.1 200 OK\r\n"));
  const std::string huge = "X-Big: " + std::string(CurlTransfer::kMaxHeaderBytes, 'a') + "\r\n";
  EXPECT_FALSE(t.on_header_line(huge));
  ASSERT_TRUE(t.failure());
}

TEST_F(CurlTransferTest, SuccessBodyGoesToTheSinkAndIsCounted) {
  auto t = transfer();
  feed_headers(t, {"HTTP/1.1 200 OK\r\n", "\r\n"});
  EXPECT_TRUE(t.on_body(bytes_of("abc")));
  EXPECT_TRUE(t.on_body(bytes_of("de")));
  EXPECT_EQ(received, "abcde");
  EXPECT_EQ(t.response().body_bytes, 5u);
}

TEST_F(CurlTransferTest, ErrorBodyIsDiscardedThenCutOff) {
  auto t = transfer();
  feed_headers(t, {"HTTP/1.1 500 Oops\r\n", "\r\n"});
  const std::string chunk(64 * 1024, 'e');
  bool accepted = true;
  std::uint64_t fed = 0;
  while (accepted && fed < 4 * CurlTransfer::kMaxDiscardedBytes) {
    accepted = t.on_body(bytes_of(chunk));
    fed += chunk.size();
  }
  EXPECT_FALSE(accepted);
  EXPECT_TRUE(t.stopped_early());
  EXPECT_FALSE(t.failure());
  EXPECT_TRUE(received.empty());
  EXPECT_LE(fed, CurlTransfer::kMaxDiscardedBytes + chunk.size());
}

TEST_F(CurlTransferTest, CapStopsTheBodyAtTheLimitExactly) {
  request.max_body_bytes = 4;
  auto t = transfer();
  feed_headers(t, {"HTTP/1.1 200 OK\r\n", "\r\n"});
  EXPECT_TRUE(t.on_body(bytes_of("abcd")));
  EXPECT_FALSE(t.on_body(bytes_of("e")));
  ASSERT_TRUE(t.failure());
  EXPECT_EQ(t.failure()->code, ErrorCode::kSizeMismatch);
  EXPECT_EQ(received, "abcd");
}

TEST_F(CurlTransferTest, CancelStopsBothBodyAndProgress) {
  auto t = transfer();
  feed_headers(t, {"HTTP/1.1 200 OK\r\n", "\r\n"});
  EXPECT_TRUE(t.keep_going());
  cancel = true;
  EXPECT_FALSE(t.keep_going());
  EXPECT_FALSE(t.on_body(bytes_of("x")));
  ASSERT_TRUE(t.failure());
  EXPECT_EQ(t.failure()->code, ErrorCode::kCancelled);
  EXPECT_TRUE(received.empty());
}

TEST_F(CurlTransferTest, IdentityEncodingIsAccepted) {
  auto t = transfer();
  feed_headers(t, {"HTTP/1.1 200 OK\r\n", "Content-Encoding: identity\r\n", "\r\n"});
  EXPECT_TRUE(t.on_body(bytes_of("plain")));
  EXPECT_EQ(received, "plain");
}

}  // namespace
}  // namespace mirrord
