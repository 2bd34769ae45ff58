// Human-readable sizes, rates, durations and tables (cli/format.hpp).
#include "cli/format.hpp"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace mirrord::cli {
namespace {

TEST(HumanBytesTest, BytesBelowOneKibibyteAreExact) {
  EXPECT_EQ(human_bytes(0), "0 B");
  EXPECT_EQ(human_bytes(1), "1 B");
  EXPECT_EQ(human_bytes(1023), "1023 B");
}

TEST(HumanBytesTest, LargerSizesUseIecUnitsWithOneDecimal) {
  EXPECT_EQ(human_bytes(1024), "1.0 KiB");
  EXPECT_EQ(human_bytes(199064), "194.4 KiB");
  EXPECT_EQ(human_bytes(1536ull * 1024 * 1024), "1.5 GiB");
  EXPECT_EQ(human_bytes(15'231'233'024ull), "14.2 GiB");
  EXPECT_EQ(human_bytes(1ull << 40), "1.0 TiB");
  EXPECT_EQ(human_bytes(std::numeric_limits<std::uint64_t>::max()), "16.0 EiB");
}

TEST(HumanBytesTest, RoundingUpMovesToTheNextUnit) {
  EXPECT_EQ(human_bytes(1024 * 1024 - 1), "1.0 MiB");  // not "1024.0 KiB"
  EXPECT_EQ(human_bytes(1024 * 1024 - 60), "1023.9 KiB");
}

TEST(HumanRateTest, FormatsPerSecondAndUnknown) {
  EXPECT_EQ(human_rate(0), "0 B/s");
  EXPECT_EQ(human_rate(1.5 * 1024 * 1024), "1.5 MiB/s");
  EXPECT_EQ(human_rate(-1), "--");
  EXPECT_EQ(human_rate(std::nan("")), "--");
  EXPECT_EQ(human_rate(std::numeric_limits<double>::infinity()), "--");
}

TEST(HumanDurationTest, ShowsTheTwoMostSignificantUnits) {
  EXPECT_EQ(human_duration(0), "0s");
  EXPECT_EQ(human_duration(0.4), "0s");
  EXPECT_EQ(human_duration(59.4), "59s");
  EXPECT_EQ(human_duration(59.6), "1m00s");
  EXPECT_EQ(human_duration(65), "1m05s");
  EXPECT_EQ(human_duration(3600 + 3 * 60 + 59), "1h03m");
  EXPECT_EQ(human_duration(3 * 86400 + 4 * 3600 + 59), "3d04h");
}

TEST(HumanDurationTest, UnknownOrAbsurdDurationsAreDashes) {
  EXPECT_EQ(human_duration(-1), "--");
  EXPECT_EQ(human_duration(std::numeric_limits<double>::infinity()), "--");
  EXPECT_EQ(human_duration(1e300), "--");
}

TEST(ShortCommitTest, KeepsTwelveCharacters) {
  EXPECT_EQ(short_commit("7ae557604adf67be50417f59c2c2f167def9a775"), "7ae557604adf");
  EXPECT_EQ(short_commit("abc"), "abc");
  EXPECT_EQ(short_commit(""), "");
}

TEST(RenderTableTest, AlignsColumnsAndTrimsTrailingSpaces) {
  const std::string table = render_table(
      {{"KIND"}, {"REPO"}, {"FILES", true}, {"STATE"}},
      {{"model", "Qwen/Qwen2.5-0.5B-Instruct", "8", "published"}, {"dataset", "a/b", "1234", ""}});
  EXPECT_EQ(table,
            "KIND     REPO                        FILES  STATE\n"
            "model    Qwen/Qwen2.5-0.5B-Instruct      8  published\n"
            "dataset  a/b                          1234\n");
}

TEST(RenderTableTest, ShortRowsArePaddedAndAnEmptyTableIsTheHeader) {
  EXPECT_EQ(render_table({{"A"}, {"B"}}, {}), "A  B\n");
  EXPECT_EQ(render_table({{"A"}, {"B", true}}, {{"xyz"}}), "A    B\nxyz\n");
}

}  // namespace
}  // namespace mirrord::cli

namespace mirrord::cli {
namespace {

TEST(FormatTest, UtcMinuteFormatsUnixSecondsAndNever) {
  EXPECT_EQ(utc_minute(0), "-");
  EXPECT_EQ(utc_minute(1795897946), "2026-11-28 20:32");
}

}  // namespace
}  // namespace mirrord::cli
