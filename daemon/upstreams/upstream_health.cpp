#include "daemon/upstreams/upstream_health.hpp"

#include <algorithm>

#include "daemon/fetch/url.hpp"

namespace mirrord {
namespace {

// Weight of the newest sample in the latency mean: a source that slows down is noticed within a
// few requests, one slow request does not dominate.
constexpr double kLatencyWeight = 0.3;

std::int64_t system_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string without_trailing_slash(std::string_view base) {
  while (!base.empty() && base.back() == '/') {
    base.remove_suffix(1);
  }
  return std::string(base);
}

// `url` is under `base` when it equals it or continues it at a path boundary.
bool is_under(std::string_view url, std::string_view base) {
  if (url.substr(0, base.size()) != base) {
    return false;
  }
  return url.size() == base.size() || url[base.size()] == '/' || url[base.size()] == '?';
}

bool failing_status(long status) {
  return status == 408 || status == 429 || status >= 500;
}

}  // namespace

UpstreamHealth::UpstreamHealth(Clock now) : now_(now ? std::move(now) : Clock(system_seconds)) {}

void UpstreamHealth::register_base(std::string_view base) {
  std::string key = without_trailing_slash(base);
  std::lock_guard lock(mutex_);
  if (!entries_.contains(key)) {
    UpstreamStats stats;
    stats.base = key;
    entries_.emplace(std::move(key), std::move(stats));
  }
}

UpstreamStats& UpstreamHealth::entry_for(std::string_view url) {
  const std::map<std::string, UpstreamStats, std::less<>>::iterator none = entries_.end();
  auto best = none;
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (is_under(url, it->first) && (best == none || it->first.size() > best->first.size())) {
      best = it;
    }
  }
  if (best != none) {
    return best->second;
  }
  std::string origin = url_origin(url).value_or(redact_url(url));
  auto [it, inserted] = entries_.try_emplace(origin);
  if (inserted) {
    it->second.base = origin;
  }
  return it->second;
}

void UpstreamHealth::record_success(std::string_view url, std::chrono::microseconds first_byte) {
  const double sample = static_cast<double>(first_byte.count()) / 1000.0;
  std::lock_guard lock(mutex_);
  UpstreamStats& stats = entry_for(url);
  ++stats.requests;
  stats.consecutive_failures = 0;
  stats.last_success_at = now_();
  stats.latency_ms =
      stats.latency_ms ? *stats.latency_ms + kLatencyWeight * (sample - *stats.latency_ms) : sample;
}

void UpstreamHealth::record_failure(std::string_view url, std::string_view error) {
  std::lock_guard lock(mutex_);
  ++entry_for(url).requests;
  count_failure(url, error);
}

void UpstreamHealth::record_rejected(std::string_view url, std::string_view error) {
  std::lock_guard lock(mutex_);
  count_failure(url, error);
}

void UpstreamHealth::count_failure(std::string_view url, std::string_view error) {
  UpstreamStats& stats = entry_for(url);
  ++stats.failures;
  ++stats.consecutive_failures;
  stats.last_error = std::string(error.substr(0, 500));
  stats.last_error_at = now_();
}

std::vector<UpstreamStats> UpstreamHealth::snapshot() const {
  std::lock_guard lock(mutex_);
  std::vector<UpstreamStats> all;
  all.reserve(entries_.size());
  for (const auto& [base, stats] : entries_) {
    all.push_back(stats);
  }
  return all;
}

std::optional<UpstreamStats> UpstreamHealth::stats(std::string_view base) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(without_trailing_slash(base));
  return it == entries_.end() ? std::nullopt : std::optional(it->second);
}

std::vector<std::string> UpstreamHealth::order(const std::vector<std::string>& bases) {
  for (const auto& base : bases) {
    register_base(base);
  }
  std::vector<std::pair<std::uint64_t, std::string>> ranked;
  {
    std::lock_guard lock(mutex_);
    for (const auto& base : bases) {
      ranked.emplace_back(entries_.find(without_trailing_slash(base))->second.consecutive_failures,
                          base);
    }
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> ordered;
  for (auto& [failures, base] : ranked) {
    ordered.push_back(std::move(base));
  }
  return ordered;
}

namespace {

class HealthFetcher final : public Fetcher {
 public:
  HealthFetcher(std::shared_ptr<Fetcher> inner, std::shared_ptr<UpstreamHealth> health)
      : inner_(std::move(inner)), health_(std::move(health)) {}

  Result<FetchResponse> fetch(const FetchRequest& request, const BodySink& sink,
                              const std::atomic<bool>* cancel) override {
    const auto started = std::chrono::steady_clock::now();
    std::optional<std::chrono::microseconds> first_byte;
    bool sink_failed = false;  // our side refused the bytes (disk, size cap): not the upstream's
    const BodySink timing = [&](std::span<const std::byte> data) {
      if (!first_byte) {
        first_byte = elapsed_since(started);
      }
      Status status = sink(data);
      sink_failed = !status.ok();
      return status;
    };
    auto response = inner_->fetch(request, timing, cancel);
    report(request.url, response, first_byte.value_or(elapsed_since(started)), sink_failed);
    return response;
  }

 private:
  static std::chrono::microseconds elapsed_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                 start);
  }

  void report(const std::string& url, const Result<FetchResponse>& response,
              std::chrono::microseconds first_byte, bool sink_failed) const {
    if (!response) {
      if (response.error().code == ErrorCode::kCancelled || sink_failed) {
        return;
      }
      health_->record_failure(url, response.error().message);
    } else if (failing_status(response->status)) {
      health_->record_failure(
          url, "HTTP " + std::to_string(response->status) + " for " + redact_url(url));
    } else {
      health_->record_success(url, first_byte);
    }
  }

  std::shared_ptr<Fetcher> inner_;
  std::shared_ptr<UpstreamHealth> health_;
};

}  // namespace

std::shared_ptr<Fetcher> make_health_fetcher(std::shared_ptr<Fetcher> inner,
                                             std::shared_ptr<UpstreamHealth> health) {
  return std::make_shared<HealthFetcher>(std::move(inner), std::move(health));
}

}  // namespace mirrord
