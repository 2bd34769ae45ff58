// Readiness: what /readyz reports to a load balancer — whether this daemon can serve and accept
// pulls right now: its catalog answers, its store takes a new file, its configuration is loaded.
//
// The store probe creates and removes a file, so its answer is kept for a second: a flood of
// /readyz requests costs at most one probe per second.
//
// Thread-safety: check() may be called from any thread.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "storage/catalog.hpp"

namespace mirrord::metrics {

struct Readiness {
  bool ready = false;
  std::string reason;  // why not, when not ready
};

class ReadinessCheck {
 public:
  // `store_tmp_dir` is where ingests write (the store's tmp/); `config_loaded` says whether the
  // configuration and policies were loaded.
  ReadinessCheck(std::shared_ptr<Catalog> catalog, std::filesystem::path store_tmp_dir,
                 bool config_loaded)
      : catalog_(std::move(catalog)),
        store_tmp_dir_(std::move(store_tmp_dir)),
        config_loaded_(config_loaded) {}

  Readiness check();

 private:
  Readiness probe() const;

  std::shared_ptr<Catalog> catalog_;
  std::filesystem::path store_tmp_dir_;
  bool config_loaded_;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point checked_at_{};
  Readiness last_;
};

// Creates, writes and removes a probe file in `dir`; an empty string, or why it failed.
std::string probe_writable(const std::filesystem::path& dir);

}  // namespace mirrord::metrics
