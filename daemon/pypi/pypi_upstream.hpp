// The upstream side of a PyPI-style index: project pages (asking for PEP 691 JSON first, reading
// HTML when that is what comes back) and file downloads, each retried with jittered backoff on
// retryable failures (network errors, 408, 429, 5xx). Pages are bounded (64 MiB); files by the
// caller's cap.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "daemon/fetch/fetcher.hpp"
#include "daemon/pypi/simple_page.hpp"
#include "storage/result.hpp"

namespace mirrord::pypi {

using SleepFn = std::function<void(std::chrono::milliseconds, const std::atomic<bool>*)>;

struct UpstreamOptions {
  int max_attempts = 4;
  std::chrono::milliseconds base_delay{500};
  std::chrono::milliseconds max_delay{20000};
  SleepFn sleep;  // empty: sleep, waking early on cancellation
};

// What pip and uv send, so that upstreams answer us as they answer them.
inline constexpr const char* kPageAccept =
    "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, "
    "text/html;q=0.01";
inline constexpr std::uint64_t kMaxPageBytes = 64ull << 20;

// "<index>/<project>/" with exactly one slash between.
std::string project_page_url(std::string_view index_url, std::string_view project);

class PypiUpstream {
 public:
  PypiUpstream(Fetcher& fetcher, UpstreamOptions options, const std::atomic<bool>* cancel);

  // The page of the normalized `project`. kNotFound when the index has no such project.
  Result<UpstreamPage> project_page(std::string_view index_url, std::string_view project) const;

  // Streams `url` into `sink`; `restart` runs before every attempt so that the caller can drop
  // bytes of a failed one. A body longer than `max_bytes` fails with kSizeMismatch.
  Status download(const std::string& url, std::uint64_t max_bytes,
                  const std::function<Status()>& restart, const BodySink& sink) const;

  bool cancelled() const { return cancel_ != nullptr && cancel_->load(); }

 private:
  Status with_retries(const std::function<Status()>& attempt) const;

  Fetcher& fetcher_;
  UpstreamOptions options_;
  const std::atomic<bool>* cancel_;
};

}  // namespace mirrord::pypi
