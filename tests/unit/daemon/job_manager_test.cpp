#include "daemon/jobs/job_manager.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

namespace mirrord {
namespace {

class JobManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mirrord-jobs-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto catalog = Catalog::open(dir_ / "catalog.db");
    ASSERT_TRUE(catalog) << catalog.error().message;
    catalog_ = std::move(*catalog);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  JobRecord wait_final(JobManager& jobs, std::int64_t id) {
    for (int i = 0; i < 500; ++i) {
      auto job = jobs.get(id);
      EXPECT_TRUE(job && *job);
      if ((*job)->state != JobState::kQueued && (*job)->state != JobState::kRunning) {
        return **job;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "job " << id << " did not finish";
    return {};
  }

  std::filesystem::path dir_;
  std::shared_ptr<Catalog> catalog_;
};

TEST_F(JobManagerTest, RunsWorkAndRecordsSuccessWithProgress) {
  JobManager jobs(catalog_, 1);
  auto submitted = jobs.submit("qwen", "hf:model:Q/X@main", [](JobContext& context) {
    context.set_totals(2, 100);
    context.add_bytes(100);
    context.file_done();
    context.file_done();
    context.set_commit("abc");
    return Status{};
  });
  ASSERT_TRUE(submitted);
  EXPECT_FALSE(submitted->joined);
  JobRecord done = wait_final(jobs, submitted->job.id);
  EXPECT_EQ(done.state, JobState::kSucceeded);
  EXPECT_EQ(done.files_done, 2u);
  EXPECT_EQ(done.bytes_done, 100u);
  EXPECT_EQ(done.commit, "abc");
  // The record survives in the catalog once the job left memory.
  auto stored = catalog_->get_job(submitted->job.id);
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->state, JobState::kSucceeded);
}

TEST_F(JobManagerTest, FailureKeepsTheErrorMessage) {
  JobManager jobs(catalog_, 1);
  auto submitted = jobs.submit("x", "k", [](JobContext&) {
    return Status(make_error(ErrorCode::kDigestMismatch, "config.json: digest mismatch"));
  });
  ASSERT_TRUE(submitted);
  JobRecord done = wait_final(jobs, submitted->job.id);
  EXPECT_EQ(done.state, JobState::kFailed);
  EXPECT_EQ(done.error, "config.json: digest mismatch");
}

// An upstream's or a library's bytes in an error must not make the job unreadable as JSON.
TEST_F(JobManagerTest, AnErrorWithBytesThatAreNotUtf8IsKeptReadable) {
  JobManager jobs(catalog_, 1);
  auto submitted = jobs.submit("x", "k", [](JobContext&) {
    return Status(make_error(ErrorCode::kUpstream, "upstream said \xFF\xFE"));
  });
  ASSERT_TRUE(submitted);
  JobRecord done = wait_final(jobs, submitted->job.id);
  EXPECT_EQ(done.error, "upstream said \xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_F(JobManagerTest, SecondSubmitOfARunningKeyJoinsIt) {
  JobManager jobs(catalog_, 2);
  std::promise<void> release;
  auto released = release.get_future().share();
  std::atomic<int> runs{0};
  auto work = [&runs, released](JobContext&) {
    ++runs;
    released.wait();
    return Status{};
  };
  auto first = jobs.submit("qwen", "same-key", work);
  auto second = jobs.submit("hf:Q/X", "same-key", work);
  ASSERT_TRUE(first && second);
  EXPECT_TRUE(second->joined);
  EXPECT_EQ(first->job.id, second->job.id);
  release.set_value();
  wait_final(jobs, first->job.id);
  EXPECT_EQ(runs.load(), 1);
  // Once finished, the same key starts a new job.
  auto third = jobs.submit("qwen", "same-key", [](JobContext&) { return Status{}; });
  ASSERT_TRUE(third);
  EXPECT_FALSE(third->joined);
  EXPECT_NE(third->job.id, first->job.id);
  wait_final(jobs, third->job.id);
}

TEST_F(JobManagerTest, ShutdownCancelsRunningWork) {
  auto jobs = std::make_unique<JobManager>(catalog_, 1);
  std::atomic<bool> started{false};
  auto submitted = jobs->submit("x", "k", [&started](JobContext& context) {
    started = true;
    while (!context.cancelled()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return Status(make_error(ErrorCode::kCancelled, "interrupted"));
  });
  ASSERT_TRUE(submitted);
  while (!started) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  jobs->shutdown();
  auto stored = catalog_->get_job(submitted->job.id);
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->state, JobState::kInterrupted);
  EXPECT_FALSE(jobs->submit("y", "k2", [](JobContext&) { return Status{}; }));
}

}  // namespace
}  // namespace mirrord
