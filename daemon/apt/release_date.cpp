#include "daemon/apt/release_date.hpp"

#include <array>
#include <charconv>
#include <ctime>

#include "daemon/apt/deb822.hpp"

namespace mirrord::apt {
namespace {

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> kWeekdays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};

std::optional<int> number(std::string_view text, std::size_t min_digits, std::size_t max_digits) {
  if (text.size() < min_digits || text.size() > max_digits) {
    return std::nullopt;
  }
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const unsigned year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

std::optional<int> zone_offset_seconds(std::string_view zone) {
  if (zone == "UTC" || zone == "GMT" || zone == "Z" || zone == "UT") {
    return 0;
  }
  if (zone.size() != 5 || (zone[0] != '+' && zone[0] != '-')) {
    return std::nullopt;
  }
  const auto hours = number(zone.substr(1, 2), 2, 2);
  const auto minutes = number(zone.substr(3, 2), 2, 2);
  if (!hours || !minutes || *hours > 23 || *minutes > 59) {
    return std::nullopt;
  }
  const int offset = *hours * 3600 + *minutes * 60;
  return zone[0] == '+' ? offset : -offset;
}

}  // namespace

std::optional<std::int64_t> parse_release_date(std::string_view text) {
  std::vector<std::string_view> words = split_words(text);
  if (!words.empty() && words[0].size() == 4 && words[0].back() == ',') {
    words.erase(words.begin());  // the optional weekday
  }
  if (words.size() != 5) {
    return std::nullopt;
  }
  const auto day = number(words[0], 1, 2);
  const auto year = number(words[2], 4, 4);
  std::size_t month = 0;
  while (month < kMonths.size() && kMonths[month] != words[1]) {
    ++month;
  }
  const std::string_view time = words[3];
  if (!day || !year || month == kMonths.size() || time.size() != 8 || time[2] != ':' ||
      time[5] != ':') {
    return std::nullopt;
  }
  const auto hour = number(time.substr(0, 2), 2, 2);
  const auto minute = number(time.substr(3, 2), 2, 2);
  const auto second = number(time.substr(6, 2), 2, 2);
  const auto offset = zone_offset_seconds(words[4]);
  if (!hour || !minute || !second || !offset || *day < 1 || *day > 31 || *hour > 23 ||
      *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  const std::int64_t days =
      days_from_civil(*year, static_cast<unsigned>(month + 1), static_cast<unsigned>(*day));
  return days * 86400 + *hour * 3600 + *minute * 60 + *second - *offset;
}

std::string format_release_date(std::int64_t unix_seconds) {
  const std::time_t time = static_cast<std::time_t>(unix_seconds);
  std::tm utc{};
  ::gmtime_r(&time, &utc);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d UTC",
                std::string(kWeekdays[utc.tm_wday]).c_str(), utc.tm_mday,
                std::string(kMonths[utc.tm_mon]).c_str(), utc.tm_year + 1900, utc.tm_hour,
                utc.tm_min, utc.tm_sec);
  return buffer;
}

}  // namespace mirrord::apt
