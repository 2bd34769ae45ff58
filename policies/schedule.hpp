// Schedule: when a policy's target is synced by itself (the `schedule` key of a `[[mirror]]`).
//
// Two forms:
//   an interval    "30m", "6h", "1d", "1h30m" (units s m h d w; at least one second)
//   a calendar     a subset of systemd.time(7) OnCalendar, always in UTC:
//                  "hourly" (every hour at :00), "daily" (00:00), "weekly" (Monday 00:00),
//                  "*-*-* HH:MM" and "DAYS *-*-* HH:MM", where DAYS is a comma list of days
//                  and ranges: "Mon..Fri", "Sat,Sun", "Mon,Wed..Fri" (Mon Tue Wed Thu Fri Sat Sun).
// Pure: the time is always a parameter (unix seconds), never read from a clock.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/result.hpp"

namespace mirrord {

struct CalendarSpec {
  std::array<bool, 7> days{};  // Monday first
  int hour = 0;                // -1: every hour ("hourly")
  int minute = 0;
};

class Schedule {
 public:
  // Parses either form; the error says what was expected (without file or line).
  static Result<Schedule> parse(std::string_view text);

  const std::string& text() const { return text_; }
  // Seconds between runs for an interval schedule; nullopt for a calendar one.
  std::optional<std::int64_t> interval() const { return interval_; }
  // The first run time strictly after `after` (calendar), or `after` + interval.
  std::int64_t next_after(std::int64_t after) const;

 private:
  std::string text_;
  std::optional<std::int64_t> interval_;
  CalendarSpec calendar_;
};

// "90s", "30m", "6h", "1d", "2w", "1h30m" -> seconds; "0" and "0s" are 0. nullopt when malformed.
std::optional<std::int64_t> parse_duration(std::string_view text);

}  // namespace mirrord
