// Service notifications (sd_notify(3)): what mirrord tells systemd about its state under
// `Type=notify` — ready, reloading, stopping, a status line, and the watchdog's keep-alive pings.
// Without NOTIFY_SOCKET (a terminal, a test) every call does nothing, so the daemon behaves the
// same everywhere.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace mirrord::service {

// READY=1 with a status line: the listeners are open and requests are served.
void notify_ready(const std::string& status);
// RELOADING=1 (with MONOTONIC_USEC, which Type=notify-reload requires); READY=1 ends it.
void notify_reloading();
// STOPPING=1: the daemon has begun to shut down.
void notify_stopping(const std::string& status);
void notify_status(const std::string& status);
// WATCHDOG=1: the event loops are alive.
void notify_watchdog();

// How often to ping: half of WATCHDOG_USEC, when the manager expects pings from this process
// (WatchdogSec= in the unit); nullopt when it does not.
std::optional<std::chrono::microseconds> watchdog_ping_interval();

}  // namespace mirrord::service
