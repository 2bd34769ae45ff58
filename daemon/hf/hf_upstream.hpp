// Private to the Hugging Face upstream side: one request with retries, endpoint failover, and the
// meaning of upstream HTTP statuses (protocols/hf.md §5, §13.1).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/fetch/fetcher.hpp"
#include "daemon/hf/hf_source.hpp"
#include "storage/result.hpp"

namespace mirrord {

// Everything a request needs to be retried; shared by the requests of one plan or one file.
struct UpstreamContext {
  Fetcher& fetcher;
  const RetryPolicy& policy;
  const RetrySleepFn& sleep;
  const std::atomic<bool>* cancel;

  bool cancelled() const { return cancel != nullptr && cancel->load(); }
};

// Longest Retry-After we wait out in-line; a longer one fails the request as retryable, and the
// job can be run again later.
inline constexpr std::chrono::seconds kMaxRetryAfterWait{300};

// The error for a non-2xx upstream response to the request described by `what`:
//   401/403 with X-Error-Code GatedRepo      -> kPolicy (the token's account must accept the gate)
//   404, or 401 with RepoNotFound            -> kNotFound (X-Error-Code and message included)
//   408, 429, 5xx                            -> kUpstreamRetryable (Retry-After into *retry_after)
//   anything else                            -> kUpstream
Error upstream_http_error(const FetchResponse& response, std::string_view what,
                          std::optional<std::chrono::seconds>* retry_after);

// One try of a request: its result, and the server's Retry-After when it gave one.
using UpstreamAttempt = std::function<Status(std::optional<std::chrono::seconds>* retry_after)>;

// Runs `attempt` until it succeeds, fails for good, or has failed policy.max_attempts times with
// retryable errors; waits between tries (Retry-After when given, else jittered backoff).
Status with_retries(const UpstreamContext& context, const UpstreamAttempt& attempt);

// The wait before retry number `retry` (1-based).
std::chrono::milliseconds retry_delay(const RetryPolicy& policy, int retry,
                                      std::optional<std::chrono::seconds> retry_after);

// A JSON API document: GET `url`, at most `max_bytes` of body, retried; non-2xx -> the error of
// upstream_http_error.
struct ApiDocument {
  FetchResponse response;
  std::string body;
};
Result<ApiDocument> get_api_document(const UpstreamContext& context, const std::string& url,
                                     std::string_view what);

// Runs `on_endpoint` for each endpoint in order until one succeeds or fails for good; when every
// endpoint failed with retryable errors, the last error is returned (still retryable).
Status on_each_endpoint(const std::vector<std::string>& endpoints,
                        const std::function<Status(const std::string& endpoint)>& on_endpoint);

}  // namespace mirrord
