// Clock: the daemon's source of the current time (unix seconds), a seam so that tests of
// time-dependent code (the scheduler) set the time instead of sleeping.
#pragma once

#include <cstdint>
#include <memory>

namespace mirrord {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t now() const = 0;
};

// The system's wall clock.
std::shared_ptr<const Clock> system_clock();

}  // namespace mirrord
