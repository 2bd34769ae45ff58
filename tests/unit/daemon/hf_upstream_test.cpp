#include "daemon/hf/hf_upstream.hpp"

#include <gtest/gtest.h>

namespace mirrord {
namespace {

using namespace std::chrono_literals;

FetchResponse answer(long status, std::vector<std::pair<std::string, std::string>> headers = {}) {
  FetchResponse response;
  response.status = status;
  response.headers = std::move(headers);
  return response;
}

TEST(UpstreamHttpError, MapsStatusesToWhatTheCallerShouldDo) {
  const std::vector<std::pair<long, ErrorCode>> cases = {
      {404, ErrorCode::kNotFound},          {408, ErrorCode::kUpstreamRetryable},
      {429, ErrorCode::kUpstreamRetryable}, {500, ErrorCode::kUpstreamRetryable},
      {503, ErrorCode::kUpstreamRetryable}, {504, ErrorCode::kUpstreamRetryable},
      {400, ErrorCode::kUpstream},          {401, ErrorCode::kUpstream},
      {403, ErrorCode::kUpstream},          {410, ErrorCode::kNotFound},
      {302, ErrorCode::kUpstream},
  };
  for (const auto& [status, code] : cases) {
    EXPECT_EQ(upstream_http_error(answer(status), "x", nullptr).code, code) << status;
  }
}

TEST(UpstreamHttpError, GatedRepoIsAPolicyDecision) {
  for (long status : {401L, 403L}) {
    const Error error = upstream_http_error(
        answer(status, {{"x-error-code", "GatedRepo"}, {"X-Error-Message", "Access restricted"}}),
        "revision", nullptr);
    EXPECT_EQ(error.code, ErrorCode::kPolicy);
    EXPECT_NE(error.message.find("accept its licence"), std::string::npos);
    EXPECT_NE(error.message.find("Access restricted"), std::string::npos);
  }
  // Only an auth status makes it a gate: a 404 that says GatedRepo is still a 404.
  EXPECT_EQ(upstream_http_error(answer(404, {{"X-Error-Code", "GatedRepo"}}), "x", nullptr).code,
            ErrorCode::kNotFound);
}

TEST(UpstreamHttpError, CarriesRetryAfterOfRetryableAnswers) {
  std::optional<std::chrono::seconds> retry_after;
  upstream_http_error(answer(503, {{"Retry-After", "12"}}), "x", &retry_after);
  EXPECT_EQ(retry_after, 12s);
  std::optional<std::chrono::seconds> none;
  upstream_http_error(answer(429, {{"Retry-After", "soon"}}), "x", &none);
  EXPECT_FALSE(none);
}

TEST(UpstreamHttpError, QuotesUpstreamTextSafely) {
  const Error error = upstream_http_error(
      answer(404, {{"X-Error-Code", "EntryNotFound"},
                   {"X-Error-Message", "bad\r\nInjected: yes" + std::string(500, 'm')}}),
      "download", nullptr);
  EXPECT_NE(error.message.find("EntryNotFound"), std::string::npos);
  EXPECT_EQ(error.message.find('\n'), std::string::npos);
  EXPECT_LT(error.message.size(), 400u);
}

TEST(RetryDelay, PrefersRetryAfterButCapsIt) {
  const RetryPolicy policy;
  EXPECT_EQ(retry_delay(policy, 1, 9s), 9s);
  EXPECT_EQ(retry_delay(policy, 1, 0s), 0s);
  EXPECT_EQ(retry_delay(policy, 1, 10000s), kMaxRetryAfterWait);
  const auto backoff = retry_delay(policy, 2, std::nullopt);
  EXPECT_GE(backoff, policy.base_delay);
  EXPECT_LE(backoff, 2 * policy.base_delay);
}

class WithRetriesTest : public ::testing::Test {
 protected:
  UpstreamContext context(const std::atomic<bool>* cancel = nullptr) {
    return UpstreamContext{fetcher, policy, sleep, cancel};
  }
  struct NoFetcher final : Fetcher {
    Result<FetchResponse> fetch(const FetchRequest&, const BodySink&,
                                const std::atomic<bool>*) override {
      return make_error(ErrorCode::kInternal, "unused");
    }
  } fetcher;
  RetryPolicy policy{3, 100ms, 1s};
  std::vector<std::chrono::milliseconds> slept;
  RetrySleepFn sleep = [this](std::chrono::milliseconds d, const std::atomic<bool>*) {
    slept.push_back(d);
  };
};

TEST_F(WithRetriesTest, StopsAtMaxAttemptsOfRetryableFailures) {
  int tries = 0;
  Status status = with_retries(context(), [&](std::optional<std::chrono::seconds>*) -> Status {
    ++tries;
    return make_error(ErrorCode::kUpstreamRetryable, "503");
  });
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(tries, 3);
  EXPECT_EQ(slept.size(), 2u);
}

TEST_F(WithRetriesTest, PermanentFailureIsNotRetried) {
  int tries = 0;
  Status status = with_retries(context(), [&](std::optional<std::chrono::seconds>*) -> Status {
    ++tries;
    return make_error(ErrorCode::kNotFound, "404");
  });
  EXPECT_EQ(status.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(tries, 1);
  EXPECT_TRUE(slept.empty());
}

TEST_F(WithRetriesTest, SucceedsAfterTransientFailures) {
  int tries = 0;
  Status status =
      with_retries(context(), [&](std::optional<std::chrono::seconds>* after) -> Status {
        if (++tries < 3) {
          *after = std::chrono::seconds(tries);
          return make_error(ErrorCode::kUpstreamRetryable, "429");
        }
        return {};
      });
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(slept, (std::vector<std::chrono::milliseconds>{1s, 2s}));
}

TEST_F(WithRetriesTest, ZeroAttemptsStillTriesOnce) {
  policy.max_attempts = 0;
  int tries = 0;
  (void)with_retries(context(), [&](std::optional<std::chrono::seconds>*) -> Status {
    ++tries;
    return make_error(ErrorCode::kUpstreamRetryable, "x");
  });
  EXPECT_EQ(tries, 1);
}

TEST_F(WithRetriesTest, CancelledContextDoesNotTry) {
  std::atomic<bool> cancel{true};
  int tries = 0;
  Status status =
      with_retries(context(&cancel), [&](std::optional<std::chrono::seconds>*) -> Status {
        ++tries;
        return {};
      });
  EXPECT_EQ(status.error().code, ErrorCode::kCancelled);
  EXPECT_EQ(tries, 0);
}

TEST(OnEachEndpoint, MovesOnOnlyAfterRetryableFailures) {
  std::vector<std::string> visited;
  Status status = on_each_endpoint({"a", "b", "c"}, [&](const std::string& endpoint) -> Status {
    visited.push_back(endpoint);
    if (endpoint == "a") {
      return make_error(ErrorCode::kUpstreamRetryable, "down");
    }
    return make_error(ErrorCode::kDigestMismatch, "bad bytes");
  });
  EXPECT_EQ(status.error().code, ErrorCode::kDigestMismatch);
  EXPECT_EQ(visited, (std::vector<std::string>{"a", "b"}));
}

TEST(OnEachEndpoint, AllDownIsRetryableAndNamesTheLastError) {
  Status status = on_each_endpoint({"a", "b"}, [](const std::string& endpoint) -> Status {
    return make_error(ErrorCode::kUpstreamRetryable, "down at " + endpoint);
  });
  EXPECT_EQ(status.error().code, ErrorCode::kUpstreamRetryable);
  EXPECT_NE(status.error().message.find("down at b"), std::string::npos);
}

}  // namespace
}  // namespace mirrord
