// Fetcher: downloads from upstreams. The one place that talks to libcurl.
//
// A fetch streams the body into a sink chunk by chunk; nothing is held whole in memory. Every
// fetch is bounded: connect timeout, minimum transfer rate over a window, total deadline, and a
// hard cap on body bytes (max_body_bytes). Redirects are followed (bounded hops); the bearer token
// is sent only to the host of the original URL, never to a redirect target on another host, and
// is never logged. Responses are returned for every HTTP status: the caller decides.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "storage/result.hpp"

namespace mirrord {

struct FetcherOptions {
  std::string ca_bundle;     // empty: the system default
  std::string bearer_token;  // empty: none (read from [upstream.hf] token_file)
  std::string user_agent = "mirrord/0.1";
  std::chrono::seconds connect_timeout{15};
  std::chrono::seconds low_speed_time{30};  // abort if below low_speed_limit for this long
  long low_speed_limit = 1024;              // bytes per second
  std::chrono::seconds total_timeout{6 * 3600};
  int max_redirects = 5;
};

struct FetchRequest {
  std::string url;
  std::vector<std::string> headers;            // extra "Name: value" lines
  std::uint64_t range_start = 0;               // > 0: send Range: bytes=N-
  std::uint64_t max_body_bytes = 64ull << 20;  // hard cap; a longer body fails with kSizeMismatch
  std::string post_body;                       // non-empty: POST
};

struct FetchResponse {
  long status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // of the final response
  std::string effective_url;  // after redirects (for logs only: never handed to clients)
  std::uint64_t body_bytes = 0;
  std::optional<std::string> header(std::string_view name) const;  // case-insensitive
};

// Receives body bytes of a successful (2xx) response. Returning an error aborts the transfer.
using BodySink = std::function<Status(std::span<const std::byte>)>;

class Fetcher {
 public:
  virtual ~Fetcher() = default;
  // Network failures, timeouts and resets are kUpstreamRetryable errors; a response with any
  // status is a value. Non-2xx bodies are discarded (not passed to the sink).
  virtual Result<FetchResponse> fetch(const FetchRequest& request, const BodySink& sink,
                                      const std::atomic<bool>* cancel) = 0;
};

std::unique_ptr<Fetcher> make_curl_fetcher(FetcherOptions options);

}  // namespace mirrord
