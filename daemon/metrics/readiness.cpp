#include "daemon/metrics/readiness.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mirrord::metrics {
namespace {

constexpr std::chrono::seconds kProbeInterval{1};

std::string errno_text(const std::string& what, int error) {
  return what + ": " + std::strerror(error);
}

}  // namespace

std::string probe_writable(const std::filesystem::path& dir) {
  const auto probe = dir / (".readyz-probe-" + std::to_string(::getpid()));
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return errno_text("cannot create " + probe.string(), errno);
  }
  const bool written = ::write(fd, "ok", 2) == 2;
  const int write_error = errno;
  ::close(fd);
  ::unlink(probe.c_str());
  return written ? std::string() : errno_text("cannot write " + probe.string(), write_error);
}

Readiness ReadinessCheck::probe() const {
  if (!config_loaded_) {
    return {false, "configuration not loaded"};
  }
  if (catalog_ == nullptr || catalog_->schema_version() <= 0) {
    return {false, "catalog not open"};
  }
  if (std::string problem = probe_writable(store_tmp_dir_); !problem.empty()) {
    return {false, "store not writable: " + problem};
  }
  return {true, ""};
}

Readiness ReadinessCheck::check() {
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (checked_at_ == std::chrono::steady_clock::time_point{} ||
      now - checked_at_ >= kProbeInterval) {
    last_ = probe();
    checked_at_ = now;
  }
  return last_;
}

}  // namespace mirrord::metrics
