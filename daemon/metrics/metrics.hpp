// Metrics: the daemon's counters, kept in atomics so that counting a request costs a few relaxed
// increments and no lock; /metrics reads them (see metrics_page.hpp) at scrape time.
//
// Requests are labelled by route, one of a small fixed set derived from the path (never the raw
// path, so the number of series stays bounded whatever clients ask for), and by status code.
//
// Thread-safety: every member may be called from any thread.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "daemon/metrics/exposition.hpp"

namespace mirrord::metrics {

enum class Route : std::uint8_t {
  kHealth,      // /healthz, /readyz
  kMetrics,     // /metrics
  kUi,          // /, /ui, /ui/ (an org named "ui" keeps its Hugging Face routes)
  kHfApi,       // /api/...
  kHfResolve,   // /{org}/{name}/resolve/..., /datasets/{org}/{name}/resolve/...
  kPypiSimple,  // /pypi/<root>/simple/...
  kPypiFiles,   // /pypi/<root>/files/... and anything else under /pypi/
  kApt,         // /apt/...
  kGit,         // /git/..., /{org}/{name}.git/..., /{org}/{name}/info/...
  kOther,       // everything else (unknown paths, malformed requests)
};
inline constexpr std::size_t kRouteCount = 10;

const char* route_label(Route route);
Route classify_route(std::string_view path);

enum class PullResult : std::uint8_t { kSucceeded, kFailed, kCancelled };
inline constexpr std::size_t kPullResultCount = 3;
const char* pull_result_label(PullResult result);

// Bytes that did not match what trusted metadata promised.
enum class VerifyFailure : std::uint8_t { kDigest, kSize };
inline constexpr std::size_t kVerifyFailureCount = 2;
const char* verify_failure_label(VerifyFailure failure);

class Metrics {
 public:
  // One answered request; `body_bytes` is what actually went out (a client that hangs up early
  // counts only what it received).
  void count_request(std::string_view path, int status, std::uint64_t body_bytes);
  void add_upstream_bytes(std::uint64_t bytes) {
    upstream_bytes_.fetch_add(bytes, std::memory_order_relaxed);
  }
  void count_pull(PullResult result) {
    pulls_[static_cast<std::size_t>(result)].fetch_add(1, std::memory_order_relaxed);
  }
  void count_verify_failure(VerifyFailure failure) {
    verify_failures_[static_cast<std::size_t>(failure)].fetch_add(1, std::memory_order_relaxed);
  }
  // The last successful sync of a target (a policy name), unix seconds. Keeps the later time.
  void record_sync(const std::string& target, std::int64_t when);

  // Writes every counter family, and the last-sync gauge.
  void write(Exposition& out) const;

 private:
  static constexpr int kFirstStatus = 100;
  static constexpr std::size_t kStatusCount = 500;  // 100..599
  using Counter = std::atomic<std::uint64_t>;

  void write_requests(Exposition& out) const;

  std::array<std::array<Counter, kStatusCount>, kRouteCount> requests_{};
  std::array<Counter, kRouteCount> bytes_served_{};
  Counter upstream_bytes_{0};
  std::array<Counter, kPullResultCount> pulls_{};
  std::array<Counter, kVerifyFailureCount> verify_failures_{};
  mutable std::mutex sync_mutex_;
  std::map<std::string, std::int64_t> last_sync_;
};

}  // namespace mirrord::metrics
