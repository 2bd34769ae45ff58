// HangupWatcher: calls `on_hangup` each time the process receives SIGHUP, from construction until
// destruction, on a thread of its own: a reload reads files and must not hold up the event loops
// that serve downloads. Signals that arrive while a call runs are coalesced into one more call.
#pragma once

#include <functional>
#include <memory>

namespace mirrord::service {

class HangupWatcher {
 public:
  explicit HangupWatcher(std::function<void()> on_hangup);
  ~HangupWatcher();  // stops watching; waits for a call in progress
  HangupWatcher(const HangupWatcher&) = delete;
  HangupWatcher& operator=(const HangupWatcher&) = delete;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace mirrord::service
