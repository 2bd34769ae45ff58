// Consolidating a mirror's packs (daemon/git/git_pack_maintenance.hpp): one pack of everything,
// old packs retired from objects/info/packs at once and deleted only after the grace period.
#include <gtest/gtest.h>

#include "daemon/git/git_fetch.hpp"
#include "daemon/git/git_pack_maintenance.hpp"
#include "daemon/git/git_ref_plan.hpp"
#include "daemon/git/git_server_info.hpp"
#include "tests/unit/daemon/git_test_repos.hpp"
#include "tests/unit/storage/temp_dir.hpp"

namespace mirrord::git {
namespace {

using git_test::TestRepo;

class GitPackMaintenanceTest : public ::testing::Test {
 protected:
  GitPackMaintenanceTest()
      : upstream_(dir_.path() / "up.git", true), mirror_(dir_.path() / "mirror.git", true) {
    target_.url = upstream_.dir().string();
  }

  // One upstream commit and one sync: one more pack in the mirror.
  void sync_one_commit(int i) {
    const git_oid commit =
        upstream_.commit("refs/heads/main", {{"file", "content " + std::to_string(i) + "\n"}}, "c");
    if (i == 0) {
      upstream_.annotated_tag("v0", commit);
    }
    auto fetched = fetch_upstream(mirror_.get(), target_, FetchCallbacks{});
    ASSERT_TRUE(fetched.ok()) << fetched.error().message;
    auto plan = plan_ref_updates(mirror_.get(), fetched->refs, false);
    ASSERT_TRUE(plan.ok());
    ASSERT_TRUE(apply_ref_plan(mirror_.get(), *plan).ok());
  }

  std::size_t pack_files_on_disk() const {
    std::size_t count = 0;
    for (const auto& entry :
         std::filesystem::directory_iterator(mirror_.dir() / "objects" / "pack")) {
      count += entry.path().extension() == ".pack" ? 1 : 0;
    }
    return count;
  }

  testing::TempDir dir_;
  TestRepo upstream_;
  TestRepo mirror_;
  GitTarget target_;
};

TEST_F(GitPackMaintenanceTest, ConsolidatesRetiresAndDeletesAfterTheGrace) {
  for (int i = 0; i < 3; ++i) {
    sync_one_commit(i);
  }
  ASSERT_EQ(list_packs(mirror_.dir())->size(), 3u);
  const PackLimits limits{2, 100};
  // Under the limit nothing happens.
  ASSERT_TRUE(consolidate_packs(mirror_.get(), mirror_.dir(), PackLimits{3, 100}, 1000).ok());
  EXPECT_EQ(list_packs(mirror_.dir())->size(), 3u);

  ASSERT_TRUE(consolidate_packs(mirror_.get(), mirror_.dir(), limits, 1000).ok());
  auto live = list_packs(mirror_.dir());
  ASSERT_EQ(live->size(), 1u);
  EXPECT_EQ(retired_packs(mirror_.dir()).size(), 3u);
  EXPECT_EQ(pack_files_on_disk(), 4u);  // retired packs stay servable for a while

  // The consolidated pack alone holds every object the refs reach (tags included).
  const std::filesystem::path only = dir_.path() / "only.git";
  std::filesystem::create_directories(only / "objects" / "pack");
  TestRepo check(only, true);
  for (const std::string ext : {".pack", ".idx"}) {
    const std::string name = live->front().substr(0, live->front().size() - 5) + ext;
    std::filesystem::copy_file(mirror_.dir() / "objects" / "pack" / name,
                               only / "objects" / "pack" / name);
  }
  git_object* raw = nullptr;
  ASSERT_EQ(git_revparse_single(&raw, check.get(), upstream_.ref_hex("refs/tags/v0").c_str()), 0);
  git_object_free(raw);
  git_revwalk* walk = nullptr;
  ASSERT_EQ(git_revwalk_new(&walk, check.get()), 0);
  git_oid head;
  ASSERT_EQ(git_oid_fromstr(&head, upstream_.ref_hex("refs/heads/main").c_str()), 0);
  ASSERT_EQ(git_revwalk_push(walk, &head), 0);
  int commits = 0;
  for (git_oid oid; git_revwalk_next(&oid, walk) == 0;) {
    ++commits;
  }
  git_revwalk_free(walk);
  EXPECT_EQ(commits, 3);

  // Before the grace ends the retired packs stay; after it they go.
  ASSERT_TRUE(consolidate_packs(mirror_.get(), mirror_.dir(), limits, 1099).ok());
  EXPECT_EQ(pack_files_on_disk(), 4u);
  ASSERT_TRUE(consolidate_packs(mirror_.get(), mirror_.dir(), limits, 1100).ok());
  EXPECT_EQ(pack_files_on_disk(), 1u);
  EXPECT_TRUE(retired_packs(mirror_.dir()).empty());
  ASSERT_TRUE(write_server_info(mirror_.get(), mirror_.dir()).ok());
  EXPECT_EQ(testing::read_file(mirror_.dir() / "objects" / "info" / "packs"),
            "P " + live->front() + "\n\n");
}

}  // namespace
}  // namespace mirrord::git
