// Rate, ETA and progress rendering for `mirrorctl pull` (cli/progress.hpp).
#include "cli/progress.hpp"

#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mirrord::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr std::uint64_t kMiB = 1024 * 1024;

Job running_job(std::uint64_t files_done, std::uint64_t bytes_done) {
  Job job;
  job.id = 7;
  job.state = "running";
  job.files_total = 8;
  job.files_done = files_done;
  job.bytes_total = 100 * kMiB;
  job.bytes_done = bytes_done;
  return job;
}

TEST(RateMeterTest, UnknownUntilTwoSamplesApartInTime) {
  RateMeter meter;
  EXPECT_FALSE(meter.bytes_per_second());
  meter.add(1.0, 0);
  EXPECT_FALSE(meter.bytes_per_second());
  meter.add(1.0, 500);
  EXPECT_FALSE(meter.bytes_per_second()) << "no time has passed";
  meter.add(3.0, 2 * kMiB);
  ASSERT_TRUE(meter.bytes_per_second());
  EXPECT_DOUBLE_EQ(*meter.bytes_per_second(), 1.0 * kMiB);
}

TEST(RateMeterTest, OnlyTheRecentWindowCounts) {
  RateMeter meter(5.0);
  meter.add(0, 0);
  meter.add(1, 100 * kMiB);  // a fast start...
  for (int t = 2; t <= 20; ++t) {
    meter.add(t, 100 * kMiB + static_cast<std::uint64_t>(t - 1) * kMiB);  // ...then 1 MiB/s
  }
  ASSERT_TRUE(meter.bytes_per_second());
  EXPECT_NEAR(*meter.bytes_per_second(), 1.0 * kMiB, 1.0);
}

TEST(RateMeterTest, ACountThatGoesBackwardsRestartsTheMeasurement) {
  RateMeter meter;
  meter.add(0, 50 * kMiB);
  meter.add(1, 60 * kMiB);
  meter.add(2, 10 * kMiB);  // a file was retried from the start
  EXPECT_FALSE(meter.bytes_per_second());
  meter.add(4, 14 * kMiB);
  EXPECT_DOUBLE_EQ(*meter.bytes_per_second(), 2.0 * kMiB);
}

TEST(EtaTest, RemainingBytesOverRate) {
  const Job job = running_job(3, 40 * kMiB);
  ASSERT_TRUE(eta_seconds(job, 2.0 * kMiB));
  EXPECT_DOUBLE_EQ(*eta_seconds(job, 2.0 * kMiB), 30.0);
  EXPECT_FALSE(eta_seconds(job, std::nullopt));
  EXPECT_FALSE(eta_seconds(job, 0.0)) << "a stalled download has no ETA";
  Job unplanned = job;
  unplanned.bytes_total = 0;
  EXPECT_FALSE(eta_seconds(unplanned, 1.0));
  Job overshoot = job;
  overshoot.bytes_done = overshoot.bytes_total + 1;
  EXPECT_DOUBLE_EQ(*eta_seconds(overshoot, 1.0), 0.0);
}

TEST(ProgressBarTest, ShowsFilesBytesRateAndEta) {
  const std::string bar = render_progress_bar(running_job(3, 50 * kMiB), 5.0 * kMiB, 100);
  EXPECT_EQ(bar,
            "[###############...............] 3/8 files  50.0 MiB/100.0 MiB  5.0 MiB/s  ETA 10s");
}

TEST(ProgressBarTest, NeverReachesTheLastColumn) {
  for (std::size_t width : {120u, 80u, 60u, 40u, 20u, 1u, 0u}) {
    SCOPED_TRACE(width);
    const std::string bar = render_progress_bar(running_job(3, 50 * kMiB), 5.0 * kMiB, width);
    EXPECT_LT(bar.size(), std::max<std::size_t>(width, 1));
  }
  // Too narrow for a bar: the numbers stay, the bar goes.
  const std::string narrow = render_progress_bar(running_job(3, 50 * kMiB), 5.0 * kMiB, 60);
  EXPECT_THAT(narrow, StartsWith("3/8 files"));
}

TEST(ProgressBarTest, UnknownRateShowsDashes) {
  const std::string bar = render_progress_bar(running_job(0, 0), std::nullopt, 100);
  EXPECT_THAT(bar, StartsWith("[..............................] 0/8 files"));
  EXPECT_THAT(bar, HasSubstr("--  ETA --"));
}

TEST(ProgressBarTest, QueuedAndUnplannedJobsSayWhatTheyWaitFor) {
  Job job;
  job.state = "queued";
  EXPECT_EQ(render_progress_bar(job, std::nullopt, 80), "queued: waiting for a free worker");
  job.state = "running";
  EXPECT_THAT(render_progress_bar(job, std::nullopt, 80), StartsWith("planning"));
  EXPECT_THAT(render_progress_line(job, std::nullopt), StartsWith("progress: planning"));
}

TEST(ProgressLineTest, PlainLineWithPercent) {
  EXPECT_EQ(render_progress_line(running_job(3, 60 * kMiB), 1.0 * kMiB),
            "progress: 3/8 files, 60.0 MiB of 100.0 MiB (60%), 1.0 MiB/s, ETA 40s");
}

TEST(ProgressReporterTest, BarIsRedrawnInPlace) {
  std::ostringstream out;
  ProgressReporter reporter(out, ProgressStyle::kBar, 100);
  reporter.update(running_job(1, 10 * kMiB), 0.0);
  reporter.update(running_job(2, 20 * kMiB), 1.0);
  reporter.finish();
  const std::string text = out.str();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\r'), 2);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << "one line, ended once";
  EXPECT_THAT(text, HasSubstr("2/8 files  20.0 MiB/100.0 MiB  10.0 MiB/s"));
  EXPECT_EQ(text.back(), '\n');
}

TEST(ProgressReporterTest, AnUnchangedBarIsNotRedrawn) {
  std::ostringstream out;
  ProgressReporter reporter(out, ProgressStyle::kBar, 100);
  Job queued;
  queued.state = "queued";
  reporter.update(queued, 0.0);
  reporter.update(queued, 0.2);
  reporter.update(queued, 0.4);
  reporter.finish();
  EXPECT_EQ(out.str(), "\rqueued: waiting for a free worker\033[K\n");
}

TEST(ProgressReporterTest, LinesComeEveryIntervalNotEveryUpdate) {
  std::ostringstream out;
  ProgressReporter reporter(out, ProgressStyle::kLines, 80, 5.0);
  for (int t = 0; t <= 12; ++t) {
    reporter.update(running_job(1, static_cast<std::uint64_t>(t) * kMiB), t);
  }
  reporter.finish();
  const std::string text = out.str();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << text;  // at t = 5 and t = 10
  EXPECT_THAT(text, HasSubstr("progress: 1/8 files, 5.0 MiB of 100.0 MiB (5%), 1.0 MiB/s"));
  EXPECT_THAT(text, Not(HasSubstr("\r")));
}

TEST(ProgressReporterTest, NoneStyleWritesNothing) {
  std::ostringstream out;
  ProgressReporter reporter(out, ProgressStyle::kNone, 80, 0.0);
  reporter.update(running_job(1, kMiB), 0);
  reporter.update(running_job(2, 2 * kMiB), 10);
  reporter.finish();
  EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace mirrord::cli
