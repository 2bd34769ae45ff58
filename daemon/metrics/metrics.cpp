#include "daemon/metrics/metrics.hpp"

#include <algorithm>

namespace mirrord::metrics {
namespace {

constexpr std::array<const char*, kRouteCount> kRouteLabels = {
    "health",      "metrics",    "ui",  "hf_api", "hf_resolve",
    "pypi_simple", "pypi_files", "apt", "git",    "other"};

constexpr std::array<const char*, kPullResultCount> kPullResultLabels = {"succeeded", "failed",
                                                                         "cancelled"};
constexpr std::array<const char*, kVerifyFailureCount> kVerifyFailureLabels = {"digest", "size"};

// One sample per value of a single label, from counters indexed like `values`.
template <std::size_t N>
void write_by_label(Exposition& out, std::string_view name, std::string_view label,
                    const std::array<const char*, N>& values,
                    const std::array<std::atomic<std::uint64_t>, N>& counters) {
  for (std::size_t i = 0; i < N; ++i) {
    out.sample(name, {{label, values[i]}}, counters[i].load(std::memory_order_relaxed));
  }
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// The first three segments of a raw path (leading '/' skipped); `count` says how many there are.
// A fixed array, not a vector: this runs for every request and must not allocate.
struct LeadingSegments {
  std::array<std::string_view, 3> items;
  std::size_t count = 0;
};

LeadingSegments leading_segments(std::string_view path) {
  LeadingSegments segments;
  if (starts_with(path, "/"))
    path.remove_prefix(1);
  while (segments.count < segments.items.size() && !path.empty()) {
    const auto slash = path.find('/');
    segments.items[segments.count++] = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  }
  return segments;
}

bool ends_with_git(std::string_view segment) {
  return segment.size() > 4 && segment.substr(segment.size() - 4) == ".git";
}

// Paths of the Hugging Face namespace: /{org}/{name}/{verb}/..., optionally under /datasets/.
Route classify_hub_path(std::string_view path) {
  if (starts_with(path, "/datasets/"))
    path.remove_prefix(std::string_view("/datasets").size());
  const auto [segments, count] = leading_segments(path);
  if (count >= 2 && ends_with_git(segments[1]))
    return Route::kGit;
  if (count < 3)
    return Route::kOther;
  if (segments[2] == "resolve")
    return Route::kHfResolve;
  if (segments[2] == "info" || segments[2] == "HEAD" || segments[2] == "objects")
    return Route::kGit;
  return Route::kOther;
}

}  // namespace

const char* route_label(Route route) {
  return kRouteLabels[static_cast<std::size_t>(route)];
}

Route classify_route(std::string_view path) {
  if (path == "/healthz" || path == "/readyz")
    return Route::kHealth;
  if (path == "/metrics")
    return Route::kMetrics;
  if (path == "/" || path == "/ui" || path == "/ui/")
    return Route::kUi;
  if (starts_with(path, "/api/"))
    return Route::kHfApi;
  if (starts_with(path, "/apt/"))
    return Route::kApt;
  if (starts_with(path, "/git/"))
    return Route::kGit;
  if (starts_with(path, "/pypi/")) {
    const auto [segments, count] = leading_segments(path);
    return count == 3 && segments[2] == "simple" ? Route::kPypiSimple : Route::kPypiFiles;
  }
  return classify_hub_path(path);
}

const char* pull_result_label(PullResult result) {
  return kPullResultLabels[static_cast<std::size_t>(result)];
}

const char* verify_failure_label(VerifyFailure failure) {
  return kVerifyFailureLabels[static_cast<std::size_t>(failure)];
}

void Metrics::count_request(std::string_view path, int status, std::uint64_t body_bytes) {
  const auto route = static_cast<std::size_t>(classify_route(path));
  const auto index =
      static_cast<std::size_t>(std::clamp(status - kFirstStatus, 0, int{kStatusCount} - 1));
  requests_[route][index].fetch_add(1, std::memory_order_relaxed);
  bytes_served_[route].fetch_add(body_bytes, std::memory_order_relaxed);
}

void Metrics::record_sync(const std::string& target, std::int64_t when) {
  std::lock_guard lock(sync_mutex_);
  auto& last = last_sync_[target];
  last = std::max(last, when);
}

void Metrics::write_requests(Exposition& out) const {
  out.family("mirrord_http_requests_total", "counter",
             "HTTP requests answered on the public listener, by route and status code.");
  for (std::size_t route = 0; route < kRouteCount; ++route) {
    for (std::size_t status = 0; status < kStatusCount; ++status) {
      const std::uint64_t count = requests_[route][status].load(std::memory_order_relaxed);
      if (count == 0)
        continue;
      const std::string code = std::to_string(kFirstStatus + static_cast<int>(status));
      out.sample("mirrord_http_requests_total", {{"route", kRouteLabels[route]}, {"status", code}},
                 count);
    }
  }
  out.family("mirrord_http_response_bytes_total", "counter",
             "Response body bytes sent to clients, by route.");
  write_by_label(out, "mirrord_http_response_bytes_total", "route", kRouteLabels, bytes_served_);
}

void Metrics::write(Exposition& out) const {
  write_requests(out);
  out.family("mirrord_upstream_bytes_total", "counter",
             "Body bytes received from upstreams by the HTTP fetcher.");
  out.sample("mirrord_upstream_bytes_total", {}, upstream_bytes_.load(std::memory_order_relaxed));
  out.family("mirrord_pulls_total", "counter", "Pulls that ended since start-up, by result.");
  write_by_label(out, "mirrord_pulls_total", "result", kPullResultLabels, pulls_);
  out.family("mirrord_verify_failures_total", "counter",
             "Downloaded files whose bytes did not match trusted metadata, by kind.");
  write_by_label(out, "mirrord_verify_failures_total", "kind", kVerifyFailureLabels,
                 verify_failures_);
  out.family("mirrord_last_sync_timestamp_seconds", "gauge",
             "Unix time of the last successful pull of each target.");
  std::lock_guard lock(sync_mutex_);
  for (const auto& [target, when] : last_sync_) {
    out.sample("mirrord_last_sync_timestamp_seconds", {{"target", target}}, when);
  }
}

}  // namespace mirrord::metrics
