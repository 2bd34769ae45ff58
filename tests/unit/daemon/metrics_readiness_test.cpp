// ReadinessCheck and the observability routes against a real SQLite catalog in a temporary
// directory: ready when the store directory takes a file, not ready (503, with the reason) when it
// cannot — here the store's tmp/ is replaced by a regular file, which fails even for root.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "daemon/metrics/metered_services.hpp"
#include "daemon/metrics/observability_routes.hpp"
#include "daemon/metrics/readiness.hpp"
#include "storage/digest.hpp"
#include "tests/unit/storage/temp_dir.hpp"

namespace mirrord::metrics {
namespace {

class ReadinessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_ / "tmp");
    auto catalog = Catalog::open(dir_ / "catalog.db");
    ASSERT_TRUE(catalog.ok()) << catalog.error().message;
    catalog_ = std::move(catalog.value());
  }
  void break_store() {
    std::filesystem::remove_all(dir_ / "tmp");
    std::ofstream(dir_ / "tmp") << "not a directory";
  }

  mirrord::testing::TempDir temp_;
  const std::filesystem::path& dir_ = temp_.path();
  std::shared_ptr<Catalog> catalog_;
};

TEST_F(ReadinessTest, ProbeWritableNamesTheProblem) {
  EXPECT_EQ(probe_writable(dir_ / "tmp"), "");
  EXPECT_TRUE(std::filesystem::is_empty(dir_ / "tmp")) << "the probe file is removed";
  break_store();
  const std::string problem = probe_writable(dir_ / "tmp");
  EXPECT_NE(problem.find("cannot create"), std::string::npos) << problem;
  EXPECT_NE(problem.find("Not a directory"), std::string::npos) << problem;
}

TEST_F(ReadinessTest, ReadyzAnswers503WithTheReasonWhenTheStoreIsNotWritable) {
  auto readiness = std::make_shared<ReadinessCheck>(catalog_, dir_ / "tmp", true);
  auto jobs = std::make_shared<JobManager>(catalog_, 1);
  auto route =
      make_observability_routes({std::make_shared<const Metrics>(), catalog_, jobs, readiness});
  http::Request request;
  request.method = "GET";
  request.path = "/readyz";
  auto ready = route(request);
  ASSERT_TRUE(ready.has_value());
  EXPECT_EQ(ready->status, 200);
  EXPECT_EQ(ready->body, "ready\n");
  break_store();
  // The answer is kept for a second so that a flood of probes stays cheap.
  ::usleep(1'100'000);
  auto broken = route(request);
  EXPECT_EQ(broken->status, 503);
  EXPECT_NE(broken->body.find("store not writable"), std::string::npos) << broken->body;
  request.path = "/healthz";
  EXPECT_EQ(route(request)->status, 200) << "alive even when not ready";
  request.method = "POST";
  EXPECT_EQ(route(request)->status, 405);
  request.path = "/elsewhere";
  EXPECT_FALSE(route(request).has_value());
  jobs->shutdown();
}

TEST_F(ReadinessTest, ConfigurationNotLoadedIsNotReady) {
  ReadinessCheck readiness(catalog_, dir_ / "tmp", false);
  const Readiness state = readiness.check();
  EXPECT_FALSE(state.ready);
  EXPECT_EQ(state.reason, "configuration not loaded");
}

TEST_F(ReadinessTest, MetricsPageHasStoreAndJobGauges) {
  BlobInfo blob{sha256_of("abc"), git_blob_oid_of("abc"), 3};
  ASSERT_TRUE(catalog_->record_blob(blob).ok());
  auto jobs = std::make_shared<JobManager>(catalog_, 1);
  auto metrics = std::make_shared<Metrics>();
  const std::string page = render_metrics_page(
      {metrics, catalog_, jobs, std::make_shared<ReadinessCheck>(catalog_, dir_ / "tmp", true)});
  EXPECT_NE(page.find("\nmirrord_store_blobs 1\n"), std::string::npos) << page;
  EXPECT_NE(page.find("\nmirrord_store_bytes 3\n"), std::string::npos) << page;
  EXPECT_NE(page.find("\nmirrord_jobs{state=\"queued\"} 0\n"), std::string::npos) << page;
  jobs->shutdown();
}

TEST_F(ReadinessTest, LastSyncsAreSeededFromSucceededJobs) {
  auto id = catalog_->create_job("qwen2.5", "hf:model:Qwen/X@main");
  ASSERT_TRUE(id.ok());
  JobRecord job;
  job.id = *id;
  job.target = "qwen2.5";
  job.key = "hf:model:Qwen/X@main";
  job.state = JobState::kSucceeded;
  ASSERT_TRUE(catalog_->update_job(job).ok());
  auto stored = catalog_->get_job(*id);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  const std::int64_t synced_at = (*stored)->updated_at;
  ASSERT_GT(synced_at, 0);
  auto failed = catalog_->create_job("other", "hf:model:O/X@main");
  ASSERT_TRUE(failed.ok());
  Metrics metrics;
  auto seeded = seed_last_syncs(metrics, *catalog_, [](const JobRecord& record) {
    return std::optional<std::string>(record.target == "qwen2.5" ? "qwen" : record.target);
  });
  ASSERT_TRUE(seeded.ok()) << seeded.error().message;
  Exposition out;
  metrics.write(out);
  EXPECT_NE(out.text().find("mirrord_last_sync_timestamp_seconds{target=\"qwen\"} " +
                            std::to_string(synced_at) + "\n"),
            std::string::npos)
      << out.text();
  EXPECT_EQ(out.text().find("target=\"other\""), std::string::npos) << "only succeeded jobs";
}

}  // namespace
}  // namespace mirrord::metrics
