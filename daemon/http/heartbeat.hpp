// Heartbeat: proof that every event loop of the server still runs, for the systemd watchdog.
// Every `interval` a timer on the main loop fires; it calls `beat` only when each other loop has
// run the probe posted to it at the previous tick. A loop stuck in a handler (or the main loop
// itself) therefore stops the beats, and the watchdog restarts the daemon.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

// A declaration, not an include: Asio stays inside daemon/http/*.cpp.
namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace mirrord::http {

class Heartbeat {
 public:
  virtual ~Heartbeat() = default;
  // Cancels the timer. Called on the main loop's thread; the loops may then run out of work.
  virtual void stop() = 0;
};

// Starts beating on `main`; `others` are the loops that must answer the probes.
std::unique_ptr<Heartbeat> start_heartbeat(boost::asio::io_context& main,
                                           std::vector<boost::asio::io_context*> others,
                                           std::chrono::microseconds interval,
                                           std::function<void()> beat);

}  // namespace mirrord::http
