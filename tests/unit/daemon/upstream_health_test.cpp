// UpstreamHealth: what each upstream's requests are charged to, the counters and latency mean,
// the order of sources for a pull, and the decorator that reports every fetch.
#include "daemon/upstreams/upstream_health.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace mirrord {
namespace {

using std::chrono::microseconds;

UpstreamHealth fixed_clock_health() {
  return UpstreamHealth([] { return std::int64_t{1000}; });
}

TEST(UpstreamHealthTest, ARequestIsChargedToTheLongestRegisteredBaseItStartsWith) {
  UpstreamHealth health = fixed_clock_health();
  health.register_base("http://127.0.0.1:81/simple/");
  health.register_base("http://127.0.0.1:81/simple/cu121");
  health.record_success("http://127.0.0.1:81/simple/cu121/torch/", microseconds(2000));
  health.record_success("http://127.0.0.1:81/simple/numpy/", microseconds(4000));
  health.record_success("http://127.0.0.1:81/simplex/numpy/", microseconds(4000));
  ASSERT_EQ(health.stats("http://127.0.0.1:81/simple/cu121")->requests, 1u);
  ASSERT_EQ(health.stats("http://127.0.0.1:81/simple")->requests, 1u);
  // Not under /simple (no path boundary): its origin.
  ASSERT_EQ(health.stats("http://127.0.0.1:81")->requests, 1u);
}

TEST(UpstreamHealthTest, FailuresCountAndASuccessEndsTheRun) {
  UpstreamHealth health = fixed_clock_health();
  health.record_failure("https://a.example/x", "connection refused");
  health.record_failure("https://a.example/y", "HTTP 503");
  auto stats = *health.stats("https://a.example:443");
  EXPECT_EQ(stats.requests, 2u);
  EXPECT_EQ(stats.failures, 2u);
  EXPECT_EQ(stats.consecutive_failures, 2u);
  EXPECT_EQ(stats.last_error, "HTTP 503");
  EXPECT_EQ(stats.last_error_at, 1000);
  EXPECT_EQ(stats.last_success_at, 0);
  EXPECT_FALSE(stats.latency_ms);
  health.record_success("https://a.example/z", microseconds(10000));
  stats = *health.stats("https://a.example:443");
  EXPECT_EQ(stats.failures, 2u);
  EXPECT_EQ(stats.consecutive_failures, 0u);
  EXPECT_EQ(stats.last_success_at, 1000);
  EXPECT_DOUBLE_EQ(*stats.latency_ms, 10.0);
}

TEST(UpstreamHealthTest, RejectedBytesAreAFailureOfARequestAlreadyCounted) {
  UpstreamHealth health = fixed_clock_health();
  health.record_success("https://a.example/f", microseconds(1000));
  health.record_rejected("https://a.example/f", "bytes differ from the manifest");
  const auto stats = *health.stats("https://a.example:443");
  EXPECT_EQ(stats.requests, 1u);
  EXPECT_EQ(stats.failures, 1u);
  EXPECT_EQ(stats.consecutive_failures, 1u);
  EXPECT_EQ(stats.last_error, "bytes differ from the manifest");
}

TEST(UpstreamHealthTest, LatencyIsAWeightedMeanLeaningOnTheNewestSample) {
  UpstreamHealth health = fixed_clock_health();
  health.record_success("https://a.example/1", microseconds(10000));
  health.record_success("https://a.example/2", microseconds(20000));
  EXPECT_DOUBLE_EQ(*health.stats("https://a.example:443")->latency_ms, 13.0);
}

TEST(UpstreamHealthTest, OrderPutsFailingSourcesLastAndOtherwiseKeepsTheConfiguredOrder) {
  UpstreamHealth health = fixed_clock_health();
  const std::vector<std::string> bases{"http://a:1", "http://b:2", "http://c:3"};
  EXPECT_EQ(health.order(bases), bases);
  health.record_failure("http://a:1/f", "refused");
  health.record_failure("http://a:1/f", "refused");
  health.record_failure("http://b:2/f", "refused");
  EXPECT_EQ(health.order(bases),
            (std::vector<std::string>{"http://c:3", "http://b:2", "http://a:1"}));
  health.record_success("http://a:1/f", microseconds(1));
  EXPECT_EQ(health.order(bases),
            (std::vector<std::string>{"http://a:1", "http://c:3", "http://b:2"}));
}

class ScriptedFetcher final : public Fetcher {
 public:
  std::function<Result<FetchResponse>(const BodySink&)> next;
  Result<FetchResponse> fetch(const FetchRequest&, const BodySink& sink,
                              const std::atomic<bool>*) override {
    return next(sink);
  }
};

Result<FetchResponse> answer(long status) {
  FetchResponse response;
  response.status = status;
  return response;
}

TEST(HealthFetcherTest, ReportsAnswersTransportErrorsAndFailingStatuses) {
  auto health = std::make_shared<UpstreamHealth>([] { return std::int64_t{5}; });
  auto scripted = std::make_shared<ScriptedFetcher>();
  auto fetcher = make_health_fetcher(scripted, health);
  const BodySink ignore = [](std::span<const std::byte>) { return Status{}; };
  FetchRequest request;
  request.url = "http://up:8/simple/numpy/";

  scripted->next = [](const BodySink& sink) -> Result<FetchResponse> {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const std::string body = "ok";
    MIRRORD_TRY(sink(std::as_bytes(std::span(body))));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return answer(200);
  };
  ASSERT_TRUE(fetcher->fetch(request, ignore, nullptr).ok());
  auto stats = *health->stats("http://up:8");
  EXPECT_EQ(stats.requests, 1u);
  EXPECT_EQ(stats.failures, 0u);
  // Time to the first byte, not to the end of the body.
  EXPECT_GE(*stats.latency_ms, 5.0);
  EXPECT_LT(*stats.latency_ms, 50.0);

  scripted->next = [](const BodySink&) { return answer(404); };
  ASSERT_TRUE(fetcher->fetch(request, ignore, nullptr).ok());
  EXPECT_EQ(health->stats("http://up:8")->failures, 0u);

  scripted->next = [](const BodySink&) { return answer(503); };
  ASSERT_TRUE(fetcher->fetch(request, ignore, nullptr).ok());
  stats = *health->stats("http://up:8");
  EXPECT_EQ(stats.failures, 1u);
  EXPECT_EQ(stats.last_error, "HTTP 503 for http://up:8/simple/numpy/");
  EXPECT_EQ(stats.last_error_at, 5);

  scripted->next = [](const BodySink&) -> Result<FetchResponse> {
    return make_error(ErrorCode::kUpstreamRetryable, "connection refused");
  };
  EXPECT_FALSE(fetcher->fetch(request, ignore, nullptr).ok());
  stats = *health->stats("http://up:8");
  EXPECT_EQ(stats.failures, 2u);
  EXPECT_EQ(stats.consecutive_failures, 2u);
  EXPECT_EQ(stats.last_error, "connection refused");
}

TEST(HealthFetcherTest, CancellationsAndOurOwnSinkFailuresAreNotTheUpstreamsFault) {
  auto health = std::make_shared<UpstreamHealth>();
  auto scripted = std::make_shared<ScriptedFetcher>();
  auto fetcher = make_health_fetcher(scripted, health);
  FetchRequest request;
  request.url = "http://up:8/f";
  scripted->next = [](const BodySink&) -> Result<FetchResponse> {
    return make_error(ErrorCode::kCancelled, "cancelled");
  };
  EXPECT_FALSE(fetcher->fetch(request, {}, nullptr).ok());
  scripted->next = [](const BodySink& sink) -> Result<FetchResponse> {
    const std::string body = "x";
    MIRRORD_TRY(sink(std::as_bytes(std::span(body))));
    return answer(200);
  };
  const BodySink disk_full = [](std::span<const std::byte>) {
    return Status(make_error(ErrorCode::kNoSpace, "no space left"));
  };
  EXPECT_FALSE(fetcher->fetch(request, disk_full, nullptr).ok());
  EXPECT_TRUE(health->snapshot().empty());
}

}  // namespace
}  // namespace mirrord
