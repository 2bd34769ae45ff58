// The scheduler against a real catalog and JobManager, with a settable clock: no test sleeps for
// a schedule (only, briefly, for a job thread to finish).
#include "daemon/jobs/scheduler.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "tests/unit/storage/temp_dir.hpp"

namespace mirrord {
namespace {

constexpr std::int64_t kStart = 1'800'000'000;  // a Friday, 2027-01-15 08:00 UTC

class FakeClock final : public Clock {
 public:
  std::int64_t now() const override { return now_.load(); }
  void set(std::int64_t now) { now_ = now; }

 private:
  std::atomic<std::int64_t> now_{kStart};
};

Schedule schedule(std::string_view text) {
  auto parsed = Schedule::parse(text);
  EXPECT_TRUE(parsed) << text;
  return *parsed;
}

class SchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto catalog = Catalog::open(dir_.path() / "catalog.db");
    ASSERT_TRUE(catalog) << catalog.error().message;
    catalog_ = std::move(*catalog);
    jobs_ = std::make_shared<JobManager>(catalog_, 4);
  }
  // Jobs still waiting are let go, and the workers joined before the members they use go.
  void TearDown() override {
    release_.set_value();
    jobs_->shutdown();
  }

  std::unique_ptr<Scheduler> make(std::vector<ScheduledTarget> targets,
                                  SchedulerOptions options = {}) {
    if (!options.random) {
      options.random = [](std::int64_t max) { return max; };  // the whole jitter
    }
    auto scheduler = std::make_unique<Scheduler>(
        std::move(targets), options, catalog_, jobs_,
        [this](const std::string& name) {
          ++submissions_;
          return jobs_->submit(name, "key:" + name, [this](JobContext&) {
            ++running_;
            max_running_ = std::max(max_running_.load(), running_.load());
            released_.wait();
            --running_;
            return Status{};
          });
        },
        clock_);
    EXPECT_TRUE(scheduler->load());
    return scheduler;
  }

  void finish_jobs() {
    release_.set_value();
    for (int i = 0; i < 500 && !jobs_->active().empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_TRUE(jobs_->active().empty());
    release_ = std::promise<void>();
    released_ = release_.get_future().share();
  }

  ScheduleStatus status_of(const Scheduler& scheduler, const std::string& name) {
    for (const ScheduleStatus& status : scheduler.status()) {
      if (status.target == name) {
        return status;
      }
    }
    ADD_FAILURE() << "no schedule " << name;
    return {};
  }

  testing::TempDir dir_;
  std::shared_ptr<Catalog> catalog_;
  std::shared_ptr<JobManager> jobs_;
  std::shared_ptr<FakeClock> clock_ = std::make_shared<FakeClock>();
  std::promise<void> release_;
  std::shared_future<void> released_ = release_.get_future().share();
  std::atomic<int> submissions_{0};
  std::atomic<int> running_{0};
  std::atomic<int> max_running_{0};
};

TEST_F(SchedulerTest, IntervalTargetNeverSyncedRunsAtOnceThenEveryInterval) {
  auto scheduler = make({{"qwen", schedule("6h")}});
  EXPECT_EQ(scheduler->run_due(), 1);
  EXPECT_EQ(scheduler->run_due(), 0);  // not due again yet
  finish_jobs();
  clock_->set(kStart + 6 * 3600 - 1);
  EXPECT_EQ(scheduler->run_due(), 0);
  clock_->set(kStart + 6 * 3600);
  EXPECT_EQ(scheduler->run_due(), 1);
  EXPECT_EQ(status_of(*scheduler, "qwen").last_run_at, kStart + 6 * 3600);
  EXPECT_EQ(status_of(*scheduler, "qwen").next_run_at, kStart + 12 * 3600);
}

TEST_F(SchedulerTest, CalendarTargetWaitsForItsTime) {
  auto scheduler = make({{"apt", schedule("*-*-* 09:30")}});
  EXPECT_EQ(scheduler->run_due(), 0);
  EXPECT_EQ(status_of(*scheduler, "apt").next_run_at, kStart + 3600 + 1800);
  clock_->set(kStart + 3600 + 1800);
  EXPECT_EQ(scheduler->run_due(), 1);
}

TEST_F(SchedulerTest, MissedRunsAfterARestartRunOnce) {
  {
    auto scheduler = make({{"qwen", schedule("1h")}});
    EXPECT_EQ(scheduler->run_due(), 1);
    finish_jobs();
  }
  clock_->set(kStart + 10 * 3600);  // ten runs missed while the daemon was down
  auto restarted = make({{"qwen", schedule("1h")}});
  EXPECT_EQ(restarted->run_due(), 1);
  finish_jobs();
  EXPECT_EQ(restarted->run_due(), 0);
  EXPECT_EQ(submissions_.load(), 2);
  EXPECT_EQ(status_of(*restarted, "qwen").next_run_at, kStart + 11 * 3600);
}

TEST_F(SchedulerTest, AScheduleShortenedWhileDownTakesEffectAtOnce) {
  {
    auto scheduler = make({{"qwen", schedule("1w")}});
    EXPECT_EQ(scheduler->run_due(), 1);
    finish_jobs();
  }
  auto restarted = make({{"qwen", schedule("1h")}});
  EXPECT_EQ(status_of(*restarted, "qwen").next_run_at, kStart + 3600);
}

TEST_F(SchedulerTest, RecordsRunsInTheCatalog) {
  auto scheduler = make({{"qwen", schedule("30m")}});
  scheduler->run_due();
  auto records = catalog_->list_schedules();
  ASSERT_TRUE(records);
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ((*records)[0].last_run_at, kStart);
  EXPECT_EQ((*records)[0].next_run_at, kStart + 1800);
  EXPECT_GT((*records)[0].last_job_id, 0);
}

TEST_F(SchedulerTest, JitterDelaysTheNextRunAndIsCappedAtHalfAnInterval) {
  auto scheduler = make({{"a", schedule("1h")}, {"b", schedule("daily")}},
                        SchedulerOptions{.jitter = 3 * 3600, .concurrency = 4, .random = {}});
  scheduler->run_due();
  EXPECT_EQ(status_of(*scheduler, "a").next_run_at, kStart + 3600 + 1800);
  clock_->set(kStart + 16 * 3600);  // midnight
  finish_jobs();
  scheduler->run_due();
  EXPECT_EQ(status_of(*scheduler, "b").next_run_at, kStart + 16 * 3600 + 24 * 3600 + 3 * 3600);
}

TEST_F(SchedulerTest, ConcurrencyLimitHoldsDueTargetsBack) {
  auto scheduler = make({{"a", schedule("1h")}, {"b", schedule("1h")}, {"c", schedule("1h")}},
                        SchedulerOptions{.jitter = 0, .concurrency = 2, .random = {}});
  EXPECT_EQ(scheduler->run_due(), 2);
  EXPECT_EQ(scheduler->run_due(), 0);  // the third waits for a slot
  finish_jobs();
  EXPECT_EQ(scheduler->run_due(), 1);
  finish_jobs();
  EXPECT_LE(max_running_.load(), 2);
}

TEST_F(SchedulerTest, ARunningTargetIsJoinedNotRunTwice) {
  auto manual = jobs_->submit("qwen", "key:qwen", [this](JobContext&) {
    released_.wait();
    return Status{};
  });
  ASSERT_TRUE(manual);
  auto scheduler = make({{"qwen", schedule("1h")}});
  EXPECT_EQ(scheduler->run_due(), 1);
  EXPECT_EQ(status_of(*scheduler, "qwen").last_job_id, manual->job.id);
  EXPECT_EQ(running_.load(), 0);  // the scheduler's work never started
}

TEST_F(SchedulerTest, ManualRunMovesTheNextRun) {
  auto scheduler = make({{"qwen", schedule("6h")}});
  clock_->set(kStart + 100);
  scheduler->note_run("qwen", 42);
  EXPECT_EQ(status_of(*scheduler, "qwen").next_run_at, kStart + 100 + 6 * 3600);
  EXPECT_EQ(status_of(*scheduler, "qwen").last_job_id, 42);
  EXPECT_EQ(scheduler->run_due(), 0);
}

}  // namespace
}  // namespace mirrord
