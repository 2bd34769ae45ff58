#include "policies/schedule.hpp"

#include <cctype>
#include <charconv>
#include <utility>

namespace mirrord {
namespace {

constexpr std::int64_t kDay = 24 * 3600;
constexpr std::array<std::string_view, 7> kDayNames = {"Mon", "Tue", "Wed", "Thu",
                                                       "Fri", "Sat", "Sun"};

std::optional<std::int64_t> unit_seconds(char unit) {
  switch (unit) {
    case 's':
      return 1;
    case 'm':
      return 60;
    case 'h':
      return 3600;
    case 'd':
      return kDay;
    case 'w':
      return 7 * kDay;
    default:
      return std::nullopt;
  }
}

std::optional<int> day_index(std::string_view name) {
  for (std::size_t i = 0; i < kDayNames.size(); ++i) {
    if (kDayNames[i] == name) {
      return static_cast<int>(i);
    }
  }
  return std::nullopt;
}

// "Mon..Fri", "Sat,Sun", "Mon,Wed..Fri".
bool parse_days(std::string_view text, std::array<bool, 7>& days) {
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (comma != std::string_view::npos && text.empty()) {
      return false;  // trailing comma
    }
    const std::size_t dots = item.find("..");
    const auto first = day_index(item.substr(0, dots));
    const auto last = dots == std::string_view::npos ? first : day_index(item.substr(dots + 2));
    if (!first || !last || *last < *first) {
      return false;
    }
    for (int day = *first; day <= *last; ++day) {
      days[static_cast<std::size_t>(day)] = true;
    }
  }
  return true;
}

bool parse_two_digits(std::string_view text, int max, int& out) {
  if (text.size() != 2 || !std::isdigit(static_cast<unsigned char>(text[0])) ||
      !std::isdigit(static_cast<unsigned char>(text[1]))) {
    return false;
  }
  out = (text[0] - '0') * 10 + (text[1] - '0');
  return out <= max;
}

// "[DAYS ]*-*-* HH:MM".
std::optional<CalendarSpec> parse_calendar(std::string_view text) {
  CalendarSpec spec;
  std::string_view rest = text;
  const std::size_t date = rest.find("*-*-* ");
  if (date == std::string_view::npos) {
    return std::nullopt;
  }
  if (date == 0) {
    spec.days.fill(true);
  } else if (rest[date - 1] != ' ' || !parse_days(rest.substr(0, date - 1), spec.days)) {
    return std::nullopt;
  }
  const std::string_view time = rest.substr(date + 6);
  if (time.size() != 5 || time[2] != ':' || !parse_two_digits(time.substr(0, 2), 23, spec.hour) ||
      !parse_two_digits(time.substr(3), 59, spec.minute)) {
    return std::nullopt;
  }
  return spec;
}

std::optional<CalendarSpec> named_calendar(std::string_view text) {
  CalendarSpec spec;
  if (text == "hourly") {
    spec.days.fill(true);
    spec.hour = -1;
  } else if (text == "daily") {
    spec.days.fill(true);
  } else if (text == "weekly") {
    spec.days[0] = true;
  } else {
    return std::nullopt;
  }
  return spec;
}

std::int64_t floor_div(std::int64_t value, std::int64_t divisor) {
  return value / divisor - (value % divisor < 0 ? 1 : 0);
}

}  // namespace

std::optional<std::int64_t> parse_duration(std::string_view text) {
  if (text == "0") {
    return 0;
  }
  std::int64_t total = 0;
  const char* at = text.data();
  const char* end = text.data() + text.size();
  if (at == end) {
    return std::nullopt;
  }
  while (at != end) {
    std::int64_t count = 0;
    const auto [next, ec] = std::from_chars(at, end, count);
    if (ec != std::errc() || next == end || count < 0) {
      return std::nullopt;
    }
    const auto unit = unit_seconds(*next);
    if (!unit || count > (std::int64_t{1} << 40) / *unit) {
      return std::nullopt;
    }
    total += count * *unit;
    at = next + 1;
  }
  return total;
}

Result<Schedule> Schedule::parse(std::string_view text) {
  Schedule schedule;
  schedule.text_ = std::string(text);
  if (!text.empty() && std::isdigit(static_cast<unsigned char>(text.front()))) {
    const auto seconds = parse_duration(text);
    if (!seconds || *seconds <= 0) {
      return make_error(ErrorCode::kInvalidInput,
                        "is not a valid interval (a positive duration such as \"30m\", \"6h\", "
                        "\"1d\", \"1h30m\"; units s m h d w)");
    }
    schedule.interval_ = *seconds;
    return schedule;
  }
  auto calendar = named_calendar(text);
  if (!calendar) {
    calendar = parse_calendar(text);
  }
  if (!calendar) {
    return make_error(ErrorCode::kInvalidInput,
                      "is not a schedule: expected an interval (\"6h\") or a calendar "
                      "expression (\"hourly\", \"daily\", \"weekly\", \"*-*-* 03:30\", "
                      "\"Mon..Fri *-*-* 03:30\"; UTC)");
  }
  schedule.calendar_ = *calendar;
  return schedule;
}

std::int64_t Schedule::next_after(std::int64_t after) const {
  if (interval_) {
    return after + *interval_;
  }
  const std::int64_t first_day = floor_div(after, kDay);
  for (std::int64_t day = first_day; day <= first_day + 8; ++day) {
    // 1970-01-01 was a Thursday (index 3 with Monday first).
    const auto weekday = static_cast<std::size_t>(((day % 7) + 7 + 3) % 7);
    if (!calendar_.days[weekday]) {
      continue;
    }
    for (int hour = 0; hour < 24; ++hour) {
      if (calendar_.hour >= 0 && hour != calendar_.hour) {
        continue;
      }
      const std::int64_t at = day * kDay + hour * 3600 + calendar_.minute * 60;
      if (at > after) {
        return at;
      }
    }
  }
  return after + 7 * kDay;  // unreachable: every calendar names at least one day
}

}  // namespace mirrord
