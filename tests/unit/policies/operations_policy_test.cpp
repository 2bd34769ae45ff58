// The operations keys of `[[mirror]]` entries: schedule, keep, pin, quota
// (policies/operations.hpp).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policies/policy.hpp"

namespace mirrord {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Result<std::vector<Policy>> parse(const std::string& extra, const std::string& source = "hf") {
  const std::string target = source == "hf"     ? "repo = \"Org/Name\"\n"
                             : source == "pypi" ? "index = \"https://pypi.org/simple/\"\n"
                                                  "projects = [\"demo\"]\n"
                                                : "";
  return PolicySet::parse_text(
      "[[mirror]]\nname = \"x\"\nsource = \"" + source + "\"\n" + target + extra + "\n",
      "ops.toml");
}

std::string error_of(const std::string& extra) {
  auto parsed = parse(extra);
  EXPECT_FALSE(parsed) << extra;
  return parsed ? "" : parsed.error().message;
}

TEST(OperationsPolicyTest, ReadsEveryKey) {
  auto parsed = parse(
      "schedule = \"Mon..Fri *-*-* 03:30\"\nkeep = 2\npin = [\"v1.0\", \"1f0c2ab\"]\n"
      "quota = \"50GiB\"");
  ASSERT_TRUE(parsed) << parsed.error().message;
  const PolicyOperations& ops = parsed->front().ops;
  ASSERT_TRUE(ops.schedule);
  EXPECT_EQ(ops.schedule->text(), "Mon..Fri *-*-* 03:30");
  EXPECT_FALSE(ops.schedule->interval());
  EXPECT_EQ(ops.keep, 2);
  EXPECT_THAT(ops.pins, ElementsAre("v1.0", "1f0c2ab"));
  EXPECT_EQ(ops.quota, 50ull << 30);
}

TEST(OperationsPolicyTest, DefaultsKeepEverythingWithoutScheduleOrQuota) {
  auto parsed = parse("");
  ASSERT_TRUE(parsed) << parsed.error().message;
  const PolicyOperations& ops = parsed->front().ops;
  EXPECT_FALSE(ops.schedule);
  EXPECT_EQ(ops.keep, 0);
  EXPECT_TRUE(ops.pins.empty());
  EXPECT_FALSE(ops.quota);
}

TEST(OperationsPolicyTest, EverySourceAcceptsThem) {
  auto parsed = parse("schedule = \"6h\"\nkeep = 1\nquota = 1048576", "pypi");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->front().ops.schedule->interval(), 6 * 3600);
  EXPECT_EQ(parsed->front().ops.quota, 1048576u);
}

TEST(OperationsPolicyTest, BadValuesNameFileLineAndKey) {
  EXPECT_THAT(error_of("schedule = \"sometimes\""),
              HasSubstr("ops.toml:5: 'schedule' 'sometimes' is not a schedule"));
  EXPECT_THAT(error_of("schedule = \"0m\""),
              HasSubstr("ops.toml:5: 'schedule' '0m' is not a valid interval"));
  EXPECT_THAT(error_of("schedule = 6"), HasSubstr("ops.toml:5: 'schedule' must be a string"));
  EXPECT_THAT(error_of("keep = -1"), HasSubstr("ops.toml:5: 'keep' must be 0"));
  EXPECT_THAT(error_of("keep = \"2\""), HasSubstr("ops.toml:5: 'keep' must be an integer"));
  EXPECT_THAT(error_of("pin = \"v1\""), HasSubstr("ops.toml:5: 'pin' must be an array"));
  EXPECT_THAT(error_of("pin = [\"\"]"), HasSubstr("ops.toml:5: 'pin' entry ''"));
  EXPECT_THAT(error_of("quota = \"lots\""), HasSubstr("ops.toml:5: 'quota' is 'lots'"));
  EXPECT_THAT(error_of("quota = 0"), HasSubstr("ops.toml:5: 'quota' must be a positive"));
  EXPECT_THAT(error_of("shedule = \"6h\""), HasSubstr("did you mean 'schedule'?"));
}

}  // namespace
}  // namespace mirrord
