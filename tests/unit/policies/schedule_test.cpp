// Schedules (policies/schedule.hpp): intervals, the OnCalendar subset, and their next times.
#include "policies/schedule.hpp"

#include <gtest/gtest.h>

namespace mirrord {
namespace {

constexpr std::int64_t kFriday0800 = 1'800'000'000;  // Friday 2027-01-15 08:00 UTC
constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kDay = 24 * kHour;

std::int64_t next(std::string_view text, std::int64_t after) {
  auto schedule = Schedule::parse(text);
  EXPECT_TRUE(schedule) << text << ": " << schedule.error().message;
  return schedule ? schedule->next_after(after) : -1;
}

TEST(DurationTest, ParsesUnitsAndCompounds) {
  EXPECT_EQ(parse_duration("90s"), 90);
  EXPECT_EQ(parse_duration("30m"), 1800);
  EXPECT_EQ(parse_duration("6h"), 6 * kHour);
  EXPECT_EQ(parse_duration("1d"), kDay);
  EXPECT_EQ(parse_duration("2w"), 14 * kDay);
  EXPECT_EQ(parse_duration("1h30m"), 5400);
  EXPECT_EQ(parse_duration("0"), 0);
  EXPECT_EQ(parse_duration("0s"), 0);
}

TEST(DurationTest, RefusesMalformedText) {
  for (const char* bad : {"", "6", "h", "6x", "-1h", "1.5h", "6 h", "1h30", "99999999999999w"}) {
    EXPECT_FALSE(parse_duration(bad)) << bad;
  }
}

TEST(ScheduleTest, IntervalAddsToTheLastRun) {
  EXPECT_EQ(next("6h", kFriday0800), kFriday0800 + 6 * kHour);
  auto schedule = Schedule::parse("30m");
  ASSERT_TRUE(schedule);
  EXPECT_EQ(schedule->interval(), 1800);
  EXPECT_EQ(schedule->text(), "30m");
}

TEST(ScheduleTest, NamedCalendars) {
  EXPECT_EQ(next("hourly", kFriday0800), kFriday0800 + kHour);
  EXPECT_EQ(next("hourly", kFriday0800 + 1), kFriday0800 + kHour);
  EXPECT_EQ(next("daily", kFriday0800), kFriday0800 + 16 * kHour);
  // Monday 00:00 after Friday 08:00: Saturday, Sunday, Monday midnight.
  EXPECT_EQ(next("weekly", kFriday0800), kFriday0800 + 16 * kHour + 2 * kDay);
}

TEST(ScheduleTest, TimeOfDayIsStrictlyAfter) {
  EXPECT_EQ(next("*-*-* 08:00", kFriday0800), kFriday0800 + kDay);
  EXPECT_EQ(next("*-*-* 08:00", kFriday0800 - 1), kFriday0800);
  EXPECT_EQ(next("*-*-* 23:59", kFriday0800), kFriday0800 + 15 * kHour + 59 * 60);
}

TEST(ScheduleTest, WeekdaysAndRanges) {
  // Friday 08:00 -> Monday 03:30.
  EXPECT_EQ(next("Mon..Fri *-*-* 03:30", kFriday0800),
            kFriday0800 + 16 * kHour + 2 * kDay + 3 * kHour + 1800);
  EXPECT_EQ(next("Sat,Sun *-*-* 12:00", kFriday0800), kFriday0800 + kDay + 4 * kHour);
  EXPECT_EQ(next("Mon,Wed..Fri *-*-* 09:00", kFriday0800), kFriday0800 + kHour);
  EXPECT_EQ(next("Thu *-*-* 09:00", kFriday0800), kFriday0800 + 6 * kDay + kHour);
}

TEST(ScheduleTest, RefusesWhatItDoesNotSupport) {
  for (const char* bad :
       {"", "0s", "sometimes", "monthly", "*-*-* 3:30", "*-*-* 24:00", "*-*-* 12:60",
        "Fri..Mon *-*-* 03:30", "Mon, *-*-* 03:30", "Mon,,Tue *-*-* 03:30", "mon *-*-* 03:30",
        "2027-*-* 03:30", "Mon*-*-* 03:30", "*-*-* 03:30:00", " daily"}) {
    EXPECT_FALSE(Schedule::parse(bad)) << bad;
  }
}

}  // namespace
}  // namespace mirrord
