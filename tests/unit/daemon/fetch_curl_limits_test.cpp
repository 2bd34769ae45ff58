// CurlFetcher's bounds and failure mapping against a scripted server on 127.0.0.1: body caps,
// stalls, resets, truncation, TLS failure, refused connections, sink errors and cancellation.
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

TEST_F(CurlFetcherTest, EndlessErrorBodyIsCutShortButTheStatusStands) {
  server.on("/big-error", [](Connection& c, const SeenRequest&) {
    c.send("HTTP/1.1 503 X\r\nConnection: close\r\nRetry-After: 7\r\n\r\n");
    const std::string chunk(64 * 1024, 'e');
    for (int i = 0; i < 64; ++i) {  // 4 MiB, more than the fetcher reads of an error body
      c.send(chunk);
    }
  });
  auto result = fetch(get(server.url("/big-error")));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->status, 503);
  EXPECT_EQ(result->header("Retry-After"), "7");
  EXPECT_EQ(body.calls, 0);
}

TEST_F(CurlFetcherTest, BodyLongerThanTheCapIsAbortedWithSizeMismatch) {
  // No Content-Length: the body runs until the server closes, so only counting can stop it.
  server.on("/endless", [](Connection& c, const SeenRequest&) {
    c.send("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
    const std::string chunk(16 * 1024, 'z');
    for (int i = 0; i < 64; ++i) {
      c.send(chunk);
    }
  });
  FetchRequest request = get(server.url("/endless"));
  request.max_body_bytes = 1000;
  auto result = fetch(request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kSizeMismatch);
  EXPECT_LE(body.bytes.size(), 1000u);
}

TEST_F(CurlFetcherTest, AnnouncedOversizeBodyIsRefusedBeforeAnyByteReachesTheSink) {
  server.on("/big", reply(response(200, std::string(5000, 'b'))));
  FetchRequest request = get(server.url("/big"));
  request.max_body_bytes = 4999;
  auto result = fetch(request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kSizeMismatch);
  EXPECT_EQ(body.calls, 0);
}

TEST_F(CurlFetcherTest, BodyOfExactlyTheCapIsAccepted) {
  server.on("/exact", reply(response(200, std::string(5000, 'b'))));
  FetchRequest request = get(server.url("/exact"));
  request.max_body_bytes = 5000;
  auto result = fetch(request);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(body.bytes.size(), 5000u);
}

TEST_F(CurlFetcherTest, StalledBodyTimesOutAsRetryable) {
  server.on("/stall", [](Connection& c, const SeenRequest&) {
    c.send("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nConnection: close\r\n\r\nfirst bytes");
    c.stall();
  });
  const auto started = std::chrono::steady_clock::now();
  auto result = fetch(get(server.url("/stall")));
  const auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kUpstreamRetryable) << result.error().message;
  EXPECT_EQ(body.bytes, "first bytes");
  EXPECT_LT(elapsed, 20s);
}

TEST_F(CurlFetcherTest, ConnectionResetMidBodyIsRetryable) {
  server.on("/reset", [](Connection& c, const SeenRequest&) {
    c.send("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nConnection: close\r\n\r\nsome");
    std::this_thread::sleep_for(50ms);
    c.reset();
  });
  auto result = fetch(get(server.url("/reset")));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kUpstreamRetryable) << result.error().message;
}

TEST_F(CurlFetcherTest, BodyCutShortOfContentLengthIsRetryable) {
  server.on("/short", reply("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\n"
                            "only ten.."));
  auto result = fetch(get(server.url("/short")));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kUpstreamRetryable) << result.error().message;
  EXPECT_EQ(body.bytes, "only ten..");
}

TEST_F(CurlFetcherTest, TlsFailureIsPermanent) {
  // A plain-HTTP server answering a TLS handshake: the handshake fails.
  server.greet_with(response(400, "not tls"));
  const std::string url = "https://127.0.0.1:" + std::to_string(server.port()) + "/";
  auto result = fetch(get(url));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kUpstream) << result.error().message;
}

TEST_F(CurlFetcherTest, RefusedConnectionIsRetryableAndItsUrlIsRedacted) {
  int port = 0;
  {
    ScriptedServer gone;  // a port that was just free, and is closed again
    port = gone.port();
  }
  auto result = fetch(get("http://user:hunter2@127.0.0.1:" + std::to_string(port) +
                          "/x?X-Amz-Signature=topsecret"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kUpstreamRetryable);
  EXPECT_EQ(result.error().message.find("hunter2"), std::string::npos) << result.error().message;
  EXPECT_EQ(result.error().message.find("topsecret"), std::string::npos) << result.error().message;
  EXPECT_NE(result.error().message.find("127.0.0.1"), std::string::npos) << result.error().message;
}

TEST_F(CurlFetcherTest, CancelFlagAbortsAStalledTransfer) {
  server.on("/stall", [](Connection& c, const SeenRequest&) {
    c.send("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nConnection: close\r\n\r\nabc");
    c.stall();
  });
  FetcherOptions options = quick_options();
  options.low_speed_time = 60s;  // only the cancel flag can end this transfer soon
  std::atomic<bool> cancel{false};
  std::thread canceller([&cancel] {
    std::this_thread::sleep_for(300ms);
    cancel = true;
  });
  const auto started = std::chrono::steady_clock::now();
  auto result = fetch(get(server.url("/stall")), options, &cancel);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  canceller.join();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kCancelled);
  EXPECT_LT(elapsed, 10s);
}

TEST_F(CurlFetcherTest, CancelledBeforeStartSendsNothing) {
  server.on("/file", reply(response(200, "x")));
  std::atomic<bool> cancel{true};
  auto result = fetch(get(server.url("/file")), quick_options(), &cancel);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kCancelled);
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(CurlFetcherTest, SinkErrorAbortsTheTransferWithThatError) {
  server.on("/file", reply(response(200, std::string(100000, 'q'))));
  int calls = 0;
  const BodySink failing = [&calls](std::span<const std::byte>) -> Status {
    ++calls;
    return make_error(ErrorCode::kNoSpace, "disk full");
  };
  auto result =
      make_curl_fetcher(quick_options())->fetch(get(server.url("/file")), failing, nullptr);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kNoSpace);
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace mirrord
