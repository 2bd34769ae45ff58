#include "daemon/service/service_notify.hpp"

#include <systemd/sd-daemon.h>

#include <cstdint>
#include <ctime>

namespace mirrord::service {
namespace {

void notify(const std::string& message) {
  // Failing to notify is not fatal: systemd acts on a missing READY=1 or ping by itself.
  (void)sd_notify(0, message.c_str());
}

std::uint64_t monotonic_usec() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1000000u +
         static_cast<std::uint64_t>(now.tv_nsec) / 1000u;
}

}  // namespace

void notify_ready(const std::string& status) {
  notify("READY=1\nSTATUS=" + status);
}

void notify_reloading() {
  notify("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(monotonic_usec()));
}

void notify_stopping(const std::string& status) {
  notify("STOPPING=1\nSTATUS=" + status);
}

void notify_status(const std::string& status) {
  notify("STATUS=" + status);
}

void notify_watchdog() {
  notify("WATCHDOG=1");
}

std::optional<std::chrono::microseconds> watchdog_ping_interval() {
  std::uint64_t usec = 0;
  // 0: keep WATCHDOG_USEC in the environment; > 0 only when the pings are meant for this PID.
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) {
    return std::nullopt;
  }
  return std::chrono::microseconds(usec / 2);
}

}  // namespace mirrord::service
