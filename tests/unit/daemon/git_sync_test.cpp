// Fetching a mirror from a real upstream repository (local transport), planning ref updates
// (fast-forward, rewrite, tag moves), publishing them and the dumb-HTTP index files
// (daemon/git/git_fetch.hpp, git_ref_plan.hpp, git_server_info.hpp).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "daemon/git/git_fetch.hpp"
#include "daemon/git/git_ref_plan.hpp"
#include "daemon/git/git_server_info.hpp"
#include "tests/unit/daemon/git_test_repos.hpp"
#include "tests/unit/storage/temp_dir.hpp"

namespace mirrord::git {
namespace {

using git_test::hex;
using git_test::TestRepo;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class GitSyncTest : public ::testing::Test {
 protected:
  GitSyncTest()
      : upstream_(dir_.path() / "upstream.git", true), mirror_(dir_.path() / "mirror.git", true) {
    main1_ = upstream_.commit("refs/heads/main", {{"README", "one\n"}}, "one");
    main2_ =
        upstream_.commit("refs/heads/main", {{"README", "two\n"}, {"src/a.c", "int a;\n"}}, "two");
    feature_ = upstream_.commit("refs/heads/feature/x", {{"README", "feature\n"}}, "feature",
                                {main2_}, false);
    tag_ = upstream_.annotated_tag("v1.0", main1_);
    upstream_.set_ref("refs/tags/light", main2_);
    git_repository_set_head(upstream_.get(), "refs/heads/main");
    target_.url = upstream_.dir().string();
  }

  FetchedUpstream fetch() {
    auto fetched = fetch_upstream(mirror_.get(), target_, FetchCallbacks{});
    EXPECT_TRUE(fetched.ok()) << fetched.error().message;
    return fetched.ok() ? *fetched : FetchedUpstream{};
  }

  RefPlan sync(bool allow_rewrite) {
    const FetchedUpstream fetched = fetch();
    auto plan = plan_ref_updates(mirror_.get(), fetched.refs, allow_rewrite);
    EXPECT_TRUE(plan.ok()) << plan.error().message;
    EXPECT_TRUE(apply_ref_plan(mirror_.get(), *plan).ok());
    EXPECT_TRUE(update_head(mirror_.get(), fetched.default_branch).ok());
    return *plan;
  }

  static RefChange change_of(const RefPlan& plan, const std::string& name) {
    for (const PlannedRef& ref : plan.refs) {
      if (ref.name == name) {
        return ref.change;
      }
    }
    ADD_FAILURE() << name << " not planned";
    return RefChange::kUnchanged;
  }

  testing::TempDir dir_;
  TestRepo upstream_;
  TestRepo mirror_;
  GitTarget target_;
  git_oid main1_, main2_, feature_, tag_;
};

TEST_F(GitSyncTest, FirstSyncPublishesEveryBranchAndTag) {
  const FetchedUpstream fetched = fetch();
  EXPECT_EQ(fetched.default_branch, "refs/heads/main");
  std::vector<std::string> names;
  for (const UpstreamRef& ref : fetched.refs) {
    names.push_back(ref.name);
  }
  EXPECT_THAT(names, ElementsAre("refs/heads/feature/x", "refs/heads/main", "refs/tags/light",
                                 "refs/tags/v1.0"));
  // Staged, not yet published.
  EXPECT_EQ(mirror_.ref_hex("refs/mirrord/staging/heads/main"), hex(main2_));
  EXPECT_EQ(mirror_.ref_hex("refs/heads/main"), "");

  auto plan = plan_ref_updates(mirror_.get(), fetched.refs, false);
  ASSERT_TRUE(plan.ok());
  for (const PlannedRef& ref : plan->refs) {
    EXPECT_EQ(ref.change, RefChange::kCreate) << ref.name;
  }
  ASSERT_TRUE(apply_ref_plan(mirror_.get(), *plan).ok());
  ASSERT_TRUE(update_head(mirror_.get(), fetched.default_branch).ok());
  EXPECT_EQ(mirror_.ref_hex("refs/heads/main"), hex(main2_));
  EXPECT_EQ(mirror_.ref_hex("refs/heads/feature/x"), hex(feature_));
  EXPECT_EQ(mirror_.ref_hex("refs/tags/v1.0"), hex(tag_));
  EXPECT_EQ(testing::read_file(mirror_.dir() / "HEAD"), "ref: refs/heads/main\n");
}

TEST_F(GitSyncTest, RewritesAreRefusedAndKeepThePublishedValue) {
  sync(false);
  const git_oid main3 = upstream_.commit("refs/heads/main", {{"README", "three\n"}}, "three");
  const git_oid rewritten = upstream_.commit("refs/heads/feature/x", {{"README", "other\n"}},
                                             "force-pushed", {main1_}, false);
  const git_oid moved_tag = upstream_.annotated_tag("v1.0", main3);
  upstream_.commit("refs/heads/new", {{"N", "n\n"}}, "new", {}, false);

  const RefPlan plan = sync(false);
  EXPECT_EQ(change_of(plan, "refs/heads/main"), RefChange::kFastForward);
  EXPECT_EQ(change_of(plan, "refs/heads/feature/x"), RefChange::kRewrite);
  EXPECT_EQ(change_of(plan, "refs/tags/v1.0"), RefChange::kRewrite);
  EXPECT_EQ(change_of(plan, "refs/tags/light"), RefChange::kUnchanged);
  EXPECT_EQ(change_of(plan, "refs/heads/new"), RefChange::kCreate);
  ASSERT_EQ(plan.refused().size(), 2u);
  EXPECT_THAT(describe_refused(plan.refused()), HasSubstr("refs/heads/feature/x (published "));

  EXPECT_EQ(mirror_.ref_hex("refs/heads/main"), hex(main3));
  EXPECT_EQ(mirror_.ref_hex("refs/heads/feature/x"), hex(feature_));
  EXPECT_EQ(mirror_.ref_hex("refs/tags/v1.0"), hex(tag_));
  // The rewritten history was fetched (and kept) but is only staged.
  EXPECT_EQ(mirror_.ref_hex("refs/mirrord/staging/heads/feature/x"), hex(rewritten));

  const RefPlan accepted = sync(true);
  EXPECT_TRUE(accepted.refused().empty());
  EXPECT_EQ(mirror_.ref_hex("refs/heads/feature/x"), hex(rewritten));
  EXPECT_EQ(mirror_.ref_hex("refs/tags/v1.0"), hex(moved_tag));
}

TEST_F(GitSyncTest, RefsDeletedUpstreamStayPublished) {
  sync(false);
  git_reference* raw = nullptr;
  ASSERT_EQ(git_reference_lookup(&raw, upstream_.get(), "refs/heads/feature/x"), 0);
  ASSERT_EQ(git_reference_delete(raw), 0);
  git_reference_free(raw);
  sync(false);
  EXPECT_EQ(mirror_.ref_hex("refs/heads/feature/x"), hex(feature_));
}

TEST_F(GitSyncTest, PatternsSelectRefsAndTheMirrorsNamespaceIsNeverTaken) {
  // A hostile upstream advertises refs inside the mirror's private namespace.
  upstream_.set_ref("refs/mirrord/staging/heads/main", feature_);
  upstream_.set_ref("refs/pull/1/head", feature_);
  target_.refs = {"refs/heads/main", "refs/mirrord/**", "refs/pull/**"};
  const FetchedUpstream fetched = fetch();
  std::vector<std::string> names;
  for (const UpstreamRef& ref : fetched.refs) {
    names.push_back(ref.name);
  }
  EXPECT_THAT(names, ElementsAre("refs/heads/main", "refs/pull/1/head"));
  EXPECT_EQ(mirror_.ref_hex("refs/mirrord/staging/heads/main"), hex(main2_));
  EXPECT_FALSE(is_mirrorable_ref_name("refs/tags/v1^{}"));
  EXPECT_FALSE(is_mirrorable_ref_name("HEAD"));
  EXPECT_FALSE(is_mirrorable_ref_name("refs/heads/a..b"));
  EXPECT_TRUE(is_mirrorable_ref_name("refs/heads/a/b"));

  target_.refs = {"refs/heads/nothing"};
  auto none = fetch_upstream(mirror_.get(), target_, FetchCallbacks{});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::kNotFound);
}

TEST_F(GitSyncTest, OneDirectoryNeverMixesTwoUpstreams) {
  EXPECT_TRUE(check_mirror_url(mirror_.get(), "https://a.example/x").ok());
  EXPECT_TRUE(check_mirror_url(mirror_.get(), "https://a.example/x").ok());
  const Status other = check_mirror_url(mirror_.get(), "https://b.example/x");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, ErrorCode::kConflict);
}

TEST_F(GitSyncTest, UnreachableUpstreamIsAnError) {
  target_.url = (dir_.path() / "missing.git").string();
  auto fetched = fetch_upstream(mirror_.get(), target_, FetchCallbacks{});
  EXPECT_FALSE(fetched.ok());
}

TEST_F(GitSyncTest, CancellationStopsTheDownload) {
  std::atomic<bool> cancel{true};
  FetchCallbacks callbacks;
  callbacks.cancel = &cancel;
  auto fetched = fetch_upstream(mirror_.get(), target_, callbacks);
  ASSERT_FALSE(fetched.ok());
  EXPECT_EQ(mirror_.ref_hex("refs/heads/main"), "");
}

TEST_F(GitSyncTest, ServerInfoListsPublishedRefsWithPeeledTags) {
  sync(false);
  ASSERT_TRUE(write_server_info(mirror_.get(), mirror_.dir()).ok());
  const std::string info_refs = testing::read_file(mirror_.dir() / "info" / "refs");
  EXPECT_EQ(info_refs, hex(feature_) + "\trefs/heads/feature/x\n" + hex(main2_) +
                           "\trefs/heads/main\n" + hex(main2_) + "\trefs/tags/light\n" + hex(tag_) +
                           "\trefs/tags/v1.0\n" + hex(main1_) + "\trefs/tags/v1.0^{}\n");
  auto packs = list_packs(mirror_.dir());
  ASSERT_TRUE(packs.ok());
  ASSERT_EQ(packs->size(), 1u);
  EXPECT_EQ(testing::read_file(mirror_.dir() / "objects" / "info" / "packs"),
            "P " + packs->front() + "\n\n");

  // Real git writes the same index files for the same repository.
  if (std::system("git --version >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "git is not installed";
  }
  const std::filesystem::path copy = dir_.path() / "copy.git";
  std::filesystem::copy(mirror_.dir(), copy, std::filesystem::copy_options::recursive);
  std::filesystem::remove_all(copy / "refs" / "mirrord");
  const std::string command = "git -C '" + copy.string() + "' update-server-info";
  ASSERT_EQ(std::system(command.c_str()), 0);
  EXPECT_EQ(testing::read_file(copy / "info" / "refs"), info_refs);
  EXPECT_EQ(testing::read_file(copy / "objects" / "info" / "packs"),
            testing::read_file(mirror_.dir() / "objects" / "info" / "packs"));
}

TEST(GitServerInfoTest, RendersSortedRefsAndPacks) {
  const std::string a(40, 'a'), b(40, 'b'), c(40, 'c');
  const std::vector<PublishedRef> refs = {{"refs/tags/v1", a, c, c},
                                          {"refs/heads/Z", b, std::nullopt, b},
                                          {"refs/heads/a", a, std::nullopt, a}};
  EXPECT_EQ(render_info_refs(refs), b + "\trefs/heads/Z\n" + a + "\trefs/heads/a\n" + a +
                                        "\trefs/tags/v1\n" + c + "\trefs/tags/v1^{}\n");
  EXPECT_EQ(render_info_refs({}), "");
  EXPECT_EQ(render_info_packs({"pack-1.pack", "pack-2.pack"}), "P pack-1.pack\nP pack-2.pack\n\n");
  EXPECT_EQ(render_info_packs({}), "\n");
}

}  // namespace
}  // namespace mirrord::git
