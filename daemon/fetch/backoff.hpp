// Waiting between retries of an upstream request: exponential backoff with jitter, the server's
// Retry-After, and a wait that a cancellation cuts short.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string_view>

namespace mirrord {

// The wait before retry number `retry` (1 = the first retry): base * 2^(retry-1), capped at
// `max_delay`, then drawn uniformly from [half of that, all of it]. The jitter keeps many pulls
// that failed together from hammering the upstream again in step.
std::chrono::milliseconds jittered_backoff(int retry, std::chrono::milliseconds base,
                                           std::chrono::milliseconds max_delay);

// Retry-After in its delta-seconds form ("120"). The HTTP-date form and anything malformed give
// nullopt (the caller falls back to its own backoff). Absurd values are clamped to one day.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value);

// Sleeps for `delay`, waking early (within ~50 ms) once `*cancel` becomes true.
void sleep_unless_cancelled(std::chrono::milliseconds delay, const std::atomic<bool>* cancel);

}  // namespace mirrord
