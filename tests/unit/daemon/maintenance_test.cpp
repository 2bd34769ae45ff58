// Retention after a sync, quotas before fetching, and GC over a real store and catalog
// (daemon/maintenance.hpp).
#include "daemon/maintenance.hpp"

#include <chrono>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/daemon/trust_fixture.hpp"

namespace mirrord {
namespace {

using ::testing::HasSubstr;
using trust_fixture::kRepo;

constexpr std::int64_t kFarFuture = std::int64_t{1} << 40;

Policy hf_policy(std::int64_t keep = 0) {
  Policy policy;
  policy.name = "model";
  policy.source = "hf";
  policy.hf.repo = kRepo.name;
  policy.hf.repo_type = kRepo.kind;
  policy.ops.keep = keep;
  return policy;
}

class MaintenanceTest : public trust_fixture::TrustFixture {
 protected:
  // Publishes `commit` of kRepo holding one stored file with `content`, moving `main`.
  void publish_commit(const std::string& commit, const std::string& content) {
    NewSnapshot snapshot{kRepo, commit, {stored("model.bin", content)}, "{}", {"main"}};
    ASSERT_TRUE(catalog_->publish_snapshot(snapshot));
  }

  Status run(const JobWork& work) {
    JobManager jobs(catalog_, 1);
    auto submitted = jobs.submit("model", "key", work);
    EXPECT_TRUE(submitted);
    for (int i = 0; i < 500; ++i) {
      auto job = jobs.get(submitted->job.id);
      if (job && *job && (*job)->state != JobState::kQueued &&
          (*job)->state != JobState::kRunning) {
        return (*job)->state == JobState::kSucceeded
                   ? Status{}
                   : Status(make_error(ErrorCode::kInternal, (*job)->error));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return make_error(ErrorCode::kInternal, "the job did not end");
  }

  bool has_snapshot(const std::string& commit) {
    auto found = catalog_->find_snapshot(kRepo, commit);
    return found && found->has_value();
  }
};

const std::string kOld(40, '1');
const std::string kNew(40, '2');

TEST_F(MaintenanceTest, RetentionRunsAfterASuccessfulSync) {
  publish_commit(kOld, "old");
  const JobWork sync = [this](JobContext&) {
    publish_commit(kNew, "new");
    return Status{};
  };
  ASSERT_TRUE(run(with_maintenance(sync, hf_policy(1), catalog_, {})));
  EXPECT_FALSE(has_snapshot(kOld));
  EXPECT_TRUE(has_snapshot(kNew));
}

TEST_F(MaintenanceTest, NoRetentionAfterAFailedSync) {
  publish_commit(kOld, "old");
  publish_commit(kNew, "new");
  const JobWork failing = [](JobContext&) {
    return Status(make_error(ErrorCode::kUpstream, "upstream down"));
  };
  EXPECT_FALSE(run(with_maintenance(failing, hf_policy(1), catalog_, {})));
  EXPECT_TRUE(has_snapshot(kOld));
}

TEST_F(MaintenanceTest, PlanOverThePolicyQuotaIsRefusedNamingIt) {
  publish_commit(kOld, std::string(600, 'x'));
  Policy policy = hf_policy();
  policy.ops.quota = 1000;
  EXPECT_TRUE(check_quotas(*catalog_, policy, {}, 400));
  const Status refused = check_quotas(*catalog_, policy, {}, 401);
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().message, HasSubstr("the quota of policy 'model'"));
  EXPECT_THAT(refused.error().message, HasSubstr("(1000 bytes)"));
}

TEST_F(MaintenanceTest, PlanOverTheStoreQuotaIsRefusedNamingIt) {
  publish_commit(kOld, std::string(600, 'x'));
  const Status refused = check_quotas(*catalog_, hf_policy(), QuotaLimits{1000}, 401);
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().message, HasSubstr("[storage] quota"));
  EXPECT_TRUE(check_quotas(*catalog_, hf_policy(), QuotaLimits{1000}, 400));
}

TEST_F(MaintenanceTest, QuotaRefusalFailsTheJobBeforeItsWorkFetches) {
  Policy policy = hf_policy();
  policy.ops.quota = 10;
  bool fetched = false;
  const JobWork pull = [&fetched](JobContext& context) -> Status {
    MIRRORD_TRY(context.check_plan(11));
    fetched = true;
    return Status{};
  };
  const Status result = run(with_maintenance(pull, policy, catalog_, {}));
  ASSERT_FALSE(result);
  EXPECT_THAT(result.error().message, HasSubstr("quota"));
  EXPECT_FALSE(fetched);
}

TEST_F(MaintenanceTest, GcRemovesTheFilesOfUnreferencedBlobsOnly) {
  publish_commit(kOld, "old weights");
  publish_commit(kNew, "new weights");
  const Sha256 old_blob = sha256_of("old weights");
  auto dry = run_gc(*catalog_, *store_, {hf_policy(1)}, kFarFuture, true);
  ASSERT_TRUE(dry) << dry.error().message;
  EXPECT_EQ(dry->collected.blobs.size(), 1u);
  EXPECT_TRUE(std::filesystem::exists(blob_path(old_blob)));

  auto report = run_gc(*catalog_, *store_, {hf_policy(1)}, kFarFuture, false);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->bytes, 11u);
  EXPECT_TRUE(report->collected.errors.empty());
  EXPECT_FALSE(std::filesystem::exists(blob_path(old_blob)));
  EXPECT_TRUE(std::filesystem::exists(blob_path(sha256_of("new weights"))));
}

TEST_F(MaintenanceTest, RetentionAfterASyncKeepsAnOperatorPin) {
  publish_commit(kOld, "old");
  ASSERT_TRUE(catalog_->pin(kRepo, kOld, "audited"));
  const JobWork sync = [this](JobContext&) {
    publish_commit(kNew, "new");
    return Status{};
  };
  ASSERT_TRUE(run(with_maintenance(sync, hf_policy(1), catalog_, {})));
  EXPECT_TRUE(has_snapshot(kOld));
  EXPECT_TRUE(has_snapshot(kNew));
}

TEST_F(MaintenanceTest, GcKeepsTheFilesOfPolicyAndOperatorPins) {
  const std::string middle(40, '3');
  publish_commit(kOld, "policy-pinned weights");
  publish_commit(middle, "operator-pinned weights");
  publish_commit(kNew, "new weights");
  ASSERT_TRUE(catalog_->pin(kRepo, middle, ""));
  Policy policy = hf_policy(1);
  policy.ops.pins = {kOld.substr(0, 7)};
  auto report = run_gc(*catalog_, *store_, {policy}, kFarFuture, false);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_TRUE(report->collected.unpublished.empty());
  EXPECT_TRUE(report->collected.blobs.empty());
  EXPECT_TRUE(std::filesystem::exists(blob_path(sha256_of("policy-pinned weights"))));
  EXPECT_TRUE(std::filesystem::exists(blob_path(sha256_of("operator-pinned weights"))));
  ASSERT_TRUE(catalog_->unpin(kRepo, middle));
  report = run_gc(*catalog_, *store_, {policy}, kFarFuture, false);
  ASSERT_TRUE(report) << report.error().message;
  ASSERT_EQ(report->collected.unpublished.size(), 1u);
  EXPECT_EQ(report->collected.unpublished[0].commit, middle);
  EXPECT_FALSE(std::filesystem::exists(blob_path(sha256_of("operator-pinned weights"))));
}

TEST_F(MaintenanceTest, ReposOfEachSource) {
  Policy policy = hf_policy();
  EXPECT_EQ(repos_of(policy).kind, "model");
  policy.source = "pypi";
  policy.name = "torch";
  EXPECT_TRUE(repos_of(policy).prefix);
  EXPECT_EQ(repos_of(policy).name, policy.pypi.root_name("torch") + "/");
  policy.source = "apt";
  EXPECT_EQ(repos_of(policy).kind, "apt");
  EXPECT_EQ(repos_of(policy).name, "torch");
  policy.source = "git";
  EXPECT_EQ(repos_of(policy).kind, "git");
}

}  // namespace
}  // namespace mirrord
