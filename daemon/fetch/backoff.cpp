#include "daemon/fetch/backoff.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <random>
#include <thread>

#include "storage/text.hpp"

namespace mirrord {
namespace {

constexpr std::chrono::seconds kMaxRetryAfter{24 * 3600};
constexpr std::chrono::milliseconds kCancelPollInterval{50};

std::mt19937_64& thread_rng() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng;
}

std::string_view trim(std::string_view text) {
  return trim_any(text, kBlanks);
}

}  // namespace

std::chrono::milliseconds jittered_backoff(int retry, std::chrono::milliseconds base,
                                           std::chrono::milliseconds max_delay) {
  const std::int64_t cap = std::max<std::int64_t>(max_delay.count(), 0);
  std::int64_t delay = std::clamp<std::int64_t>(base.count(), 0, cap);
  for (int i = 1; i < retry && delay < cap; ++i) {
    delay = std::min(cap, delay * 2);
  }
  if (delay <= 1) {
    return std::chrono::milliseconds(delay);
  }
  std::uniform_int_distribution<std::int64_t> jitter(delay / 2, delay);
  return std::chrono::milliseconds(jitter(thread_rng()));
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value) {
  value = trim(value);
  if (value.empty() || value.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  if (value.size() > 9) {
    return kMaxRetryAfter;  // more than 31 years: no need to parse it exactly
  }
  std::int64_t seconds = 0;
  std::from_chars(value.data(), value.data() + value.size(), seconds);
  return std::min(std::chrono::seconds(seconds), kMaxRetryAfter);
}

void sleep_unless_cancelled(std::chrono::milliseconds delay, const std::atomic<bool>* cancel) {
  const auto deadline = std::chrono::steady_clock::now() + delay;
  while (cancel == nullptr || !cancel->load()) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      return;
    }
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(deadline - now, kCancelPollInterval));
  }
}

}  // namespace mirrord
