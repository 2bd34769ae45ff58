#include <gtest/gtest.h>

#include "storage/catalog.hpp"
#include "tests/unit/storage/temp_dir.hpp"

namespace mirrord {
namespace {

class CatalogJobsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto catalog = Catalog::open(dir_.path() / "catalog.db");
    ASSERT_TRUE(catalog) << catalog.error().message;
    catalog_ = std::move(*catalog);
  }

  std::int64_t job_in_state(const std::string& target, JobState state,
                            const std::string& error = "") {
    auto id = catalog_->create_job(target, "hf:model:" + target + "@main");
    EXPECT_TRUE(id);
    JobRecord job = **catalog_->get_job(*id);
    job.state = state;
    job.error = error;
    EXPECT_TRUE(catalog_->update_job(job));
    return *id;
  }

  testing::TempDir dir_;
  std::unique_ptr<Catalog> catalog_;
};

TEST_F(CatalogJobsTest, CreatedJobIsQueued) {
  auto id = catalog_->create_job("qwen", "hf:model:Qwen/X@main");
  ASSERT_TRUE(id);
  auto job = catalog_->get_job(*id);
  ASSERT_TRUE(job && job->has_value());
  EXPECT_EQ((*job)->id, *id);
  EXPECT_EQ((*job)->target, "qwen");
  EXPECT_EQ((*job)->key, "hf:model:Qwen/X@main");
  EXPECT_EQ((*job)->state, JobState::kQueued);
  EXPECT_GT((*job)->created_at, 0);
  EXPECT_EQ((*job)->files_done, 0u);
  EXPECT_TRUE((*job)->error.empty());
  EXPECT_FALSE(catalog_->get_job(*id + 1)->has_value());
}

TEST_F(CatalogJobsTest, UpdateStoresEveryMutableField) {
  const std::int64_t id = *catalog_->create_job("qwen", "hf:model:Qwen/X@main");
  JobRecord job = **catalog_->get_job(id);
  job.state = JobState::kFailed;
  job.files_total = 8;
  job.files_done = 3;
  job.bytes_total = 5'000'000'000;  // beyond 32 bits
  job.bytes_done = 120000;
  job.commit = std::string(40, 'c');
  job.error = "digest mismatch for model.safetensors";
  ASSERT_TRUE(catalog_->update_job(job));

  const JobRecord stored = **catalog_->get_job(id);
  EXPECT_EQ(stored.state, JobState::kFailed);
  EXPECT_EQ(stored.files_total, 8u);
  EXPECT_EQ(stored.files_done, 3u);
  EXPECT_EQ(stored.bytes_total, 5'000'000'000u);
  EXPECT_EQ(stored.bytes_done, 120000u);
  EXPECT_EQ(stored.commit, job.commit);
  EXPECT_EQ(stored.error, job.error);
  EXPECT_EQ(stored.target, "qwen");
  EXPECT_GE(stored.updated_at, stored.created_at);
}

TEST_F(CatalogJobsTest, UpdateOfUnknownJobIsNotFound) {
  JobRecord ghost;
  ghost.id = 42;
  auto updated = catalog_->update_job(ghost);
  ASSERT_FALSE(updated);
  EXPECT_EQ(updated.error().code, ErrorCode::kNotFound);
}

TEST_F(CatalogJobsTest, ListIsNewestFirstAndCanKeepOnlyActiveJobs) {
  const auto done = job_in_state("a", JobState::kSucceeded);
  const auto running = job_in_state("b", JobState::kRunning);
  const auto failed = job_in_state("c", JobState::kFailed);
  const auto queued = job_in_state("d", JobState::kQueued);

  auto all = catalog_->list_jobs(false, 0);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[0].id, queued);
  EXPECT_EQ((*all)[3].id, done);

  auto active = catalog_->list_jobs(true, 0);
  ASSERT_TRUE(active);
  ASSERT_EQ(active->size(), 2u);
  EXPECT_EQ((*active)[0].id, queued);
  EXPECT_EQ((*active)[1].id, running);

  auto limited = catalog_->list_jobs(false, 2);
  ASSERT_EQ(limited->size(), 2u);
  EXPECT_EQ((*limited)[1].id, failed);
}

TEST_F(CatalogJobsTest, UnfinishedJobsBecomeInterruptedAtStartUp) {
  const auto queued = job_in_state("a", JobState::kQueued);
  const auto running = job_in_state("b", JobState::kRunning, "slow upstream, retrying");
  const auto done = job_in_state("c", JobState::kSucceeded);
  const auto failed = job_in_state("d", JobState::kFailed, "digest mismatch");

  ASSERT_TRUE(catalog_->mark_unfinished_jobs_interrupted());
  const JobRecord was_queued = **catalog_->get_job(queued);
  EXPECT_EQ(was_queued.state, JobState::kInterrupted);
  EXPECT_FALSE(was_queued.error.empty());  // says what happened
  EXPECT_EQ((*catalog_->get_job(running))->state, JobState::kInterrupted);
  EXPECT_EQ((*catalog_->get_job(running))->error, "slow upstream, retrying");
  EXPECT_EQ((*catalog_->get_job(done))->state, JobState::kSucceeded);
  EXPECT_EQ((*catalog_->get_job(failed))->state, JobState::kFailed);
  EXPECT_EQ((*catalog_->get_job(failed))->error, "digest mismatch");
  EXPECT_TRUE(catalog_->list_jobs(true, 0)->empty());
}

TEST(JobStateTest, NamesMatchTheAdminApi) {
  EXPECT_STREQ(to_string(JobState::kQueued), "queued");
  EXPECT_STREQ(to_string(JobState::kRunning), "running");
  EXPECT_STREQ(to_string(JobState::kSucceeded), "succeeded");
  EXPECT_STREQ(to_string(JobState::kFailed), "failed");
  EXPECT_STREQ(to_string(JobState::kInterrupted), "interrupted");
}

}  // namespace
}  // namespace mirrord
