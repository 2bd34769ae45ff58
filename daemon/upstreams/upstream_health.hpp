// UpstreamHealth: what the daemon has seen of each upstream while it runs (kept in memory only),
// and the order in which a pull should try several sources of the same bytes.
//
// Every fetch goes through a HealthFetcher (make_health_fetcher), which reports to the registry:
// a request is charged to the longest registered base URL its URL starts with (a Hugging Face
// endpoint, a PyPI index, an apt mirror), or to its origin when no base is registered. A success
// is any answer below 500 other than 408 and 429 (a 404 is an answer); a failure is a transport
// error, a timeout or one of those statuses. Sources that served bytes failing verification are
// reported by the pull itself (record_failure), since only it knows the expected digest.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/fetch/fetcher.hpp"

namespace mirrord {

struct UpstreamStats {
  std::string base;  // a registered base URL, or an origin "scheme://host:port"
  std::uint64_t requests = 0;
  std::uint64_t failures = 0;
  std::uint64_t consecutive_failures = 0;
  std::string last_error;            // redacted: no query strings, no user info
  std::int64_t last_error_at = 0;    // unix seconds; 0: never
  std::int64_t last_success_at = 0;  // unix seconds; 0: never
  // Exponentially weighted mean of the time to the first body byte (or to the answer when it has
  // no body), over successful requests; nullopt until one succeeded.
  std::optional<double> latency_ms;
};

class UpstreamHealth {
 public:
  using Clock = std::function<std::int64_t()>;  // unix seconds
  explicit UpstreamHealth(Clock now = nullptr);

  // Makes `base` (e.g. "https://pypi.org/simple") a key of its own; idempotent.
  void register_base(std::string_view base);

  void record_success(std::string_view url, std::chrono::microseconds first_byte);
  void record_failure(std::string_view url, std::string_view error);
  // The bytes of a request already recorded were refused (they failed verification): a failure
  // of that request, not another request.
  void record_rejected(std::string_view url, std::string_view error);

  // Every upstream seen or registered, by base.
  std::vector<UpstreamStats> snapshot() const;
  std::optional<UpstreamStats> stats(std::string_view base) const;

  // `bases` registered and reordered for a pull: those whose last requests failed go behind the
  // others (fewest consecutive failures first); otherwise the configured order is kept, since it
  // is the operator's preference (an official archive before a mirror). Stable.
  std::vector<std::string> order(const std::vector<std::string>& bases);

 private:
  UpstreamStats& entry_for(std::string_view url);                    // mutex_ held
  void count_failure(std::string_view url, std::string_view error);  // mutex_ held

  Clock now_;
  mutable std::mutex mutex_;
  std::map<std::string, UpstreamStats, std::less<>> entries_;
};

// Bytes that are not what trusted metadata says (size or digest): that source has other content
// under the name, and the next source should be asked.
inline bool is_content_mismatch(const Error& error) {
  return error.code == ErrorCode::kDigestMismatch || error.code == ErrorCode::kSizeMismatch;
}

// A Fetcher that reports every request of `inner` to `health`.
std::shared_ptr<Fetcher> make_health_fetcher(std::shared_ptr<Fetcher> inner,
                                             std::shared_ptr<UpstreamHealth> health);

}  // namespace mirrord
