#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "daemon/fetch/backoff.hpp"

namespace mirrord {
namespace {

using namespace std::chrono_literals;

TEST(JitteredBackoff, DoublesEachRetryWithinHalfToFull) {
  for (int i = 0; i < 200; ++i) {
    const auto first = jittered_backoff(1, 400ms, 30s);
    const auto third = jittered_backoff(3, 400ms, 30s);
    EXPECT_GE(first, 200ms);
    EXPECT_LE(first, 400ms);
    EXPECT_GE(third, 800ms);
    EXPECT_LE(third, 1600ms);
  }
}

TEST(JitteredBackoff, NeverExceedsTheCapEvenAfterManyRetries) {
  for (int retry : {10, 40, 64, 1000}) {
    const auto delay = jittered_backoff(retry, 500ms, 30s);
    EXPECT_GE(delay, 15s);
    EXPECT_LE(delay, 30s);
  }
}

TEST(JitteredBackoff, ActuallyJitters) {
  std::set<long> seen;
  for (int i = 0; i < 50; ++i) {
    seen.insert(jittered_backoff(2, 1000ms, 30s).count());
  }
  EXPECT_GT(seen.size(), 5u);
}

TEST(ParseRetryAfter, AcceptsDeltaSeconds) {
  EXPECT_EQ(parse_retry_after("120"), 120s);
  EXPECT_EQ(parse_retry_after(" 0 "), 0s);
}

TEST(ParseRetryAfter, RefusesDatesNegativesAndGarbage) {
  EXPECT_FALSE(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"));
  EXPECT_FALSE(parse_retry_after("-5"));
  EXPECT_FALSE(parse_retry_after("1.5"));
  EXPECT_FALSE(parse_retry_after(""));
  EXPECT_FALSE(parse_retry_after("12abc"));
}

TEST(ParseRetryAfter, ClampsAbsurdValuesToADay) {
  EXPECT_EQ(parse_retry_after("99999999999999999999999999"), 86400s);
  EXPECT_EQ(parse_retry_after("100000"), 86400s);
}

TEST(SleepUnlessCancelled, SleepsTheWholeDelay) {
  const auto started = std::chrono::steady_clock::now();
  sleep_unless_cancelled(120ms, nullptr);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 120ms);
}

TEST(SleepUnlessCancelled, WakesEarlyOnCancel) {
  std::atomic<bool> cancel{false};
  std::thread canceller([&cancel] {
    std::this_thread::sleep_for(100ms);
    cancel = true;
  });
  const auto started = std::chrono::steady_clock::now();
  sleep_unless_cancelled(60s, &cancel);
  canceller.join();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
}

}  // namespace
}  // namespace mirrord
