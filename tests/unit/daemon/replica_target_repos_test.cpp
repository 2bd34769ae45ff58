// Which catalog repos `mirrorctl export TARGET` takes for each kind of policy
// (daemon/replica/target_repos.hpp).
#include "daemon/replica/target_repos.hpp"

#include <gtest/gtest.h>

#include "tests/unit/daemon/replica_fixture.hpp"

namespace mirrord {
namespace {

using replica_fixture::Mirror;

class TargetReposTest : public ::testing::Test {
 protected:
  void publish(const RepoKey& repo, const std::string& ref) {
    NewSnapshot snapshot{repo, std::string(40, 'c'), {}, "{}", {ref}};
    ASSERT_TRUE(mirror_.catalog->publish_snapshot(snapshot));
  }

  static Policy policy(const std::string& name, const std::string& source) {
    Policy policy;
    policy.name = name;
    policy.source = source;
    return policy;
  }

  Mirror mirror_;
};

TEST_F(TargetReposTest, HuggingFaceAndAptPoliciesNameOneRepo) {
  Policy hf = policy("qwen", "hf");
  hf.hf.repo = "Qwen/X";
  hf.hf.repo_type = "dataset";
  publish(RepoKey{"dataset", "Qwen/X"}, "main");
  auto repos = replica::repos_of_policy(hf, *mirror_.catalog);
  ASSERT_TRUE(repos) << repos.error().message;
  EXPECT_EQ(*repos, (std::vector<RepoKey>{{"dataset", "Qwen/X"}}));
  publish(RepoKey{"apt", "debian"}, "current");
  auto apt = replica::repos_of_policy(policy("debian", "apt"), *mirror_.catalog);
  ASSERT_TRUE(apt) << apt.error().message;
  EXPECT_EQ(*apt, (std::vector<RepoKey>{{"apt", "debian"}}));
}

TEST_F(TargetReposTest, AGitPolicyNamesItsMirror) {
  Policy git = policy("kernel", "git");
  git.git.name = "linux";
  publish(RepoKey{"git", "linux"}, "current");
  auto repos = replica::repos_of_policy(git, *mirror_.catalog);
  ASSERT_TRUE(repos) << repos.error().message;
  EXPECT_EQ(*repos, (std::vector<RepoKey>{{"git", "linux"}}));
}

TEST_F(TargetReposTest, APypiPolicyTakesItsRootAndAnAdHocTargetItsProjects) {
  publish(RepoKey{"pypi", "torch-cu128/torch"}, "current");
  publish(RepoKey{"pypi", "pypi/six"}, "current");
  publish(RepoKey{"pypi", "pypi/attrs"}, "current");
  Policy named = policy("torch-cu128", "pypi");
  named.file = "/etc/mirrord/policies.d/site.toml";
  auto repos = replica::repos_of_policy(named, *mirror_.catalog);
  ASSERT_TRUE(repos) << repos.error().message;
  EXPECT_EQ(*repos, (std::vector<RepoKey>{{"pypi", "torch-cu128/torch"}}));
  Policy ad_hoc = policy("pypi:Six", "pypi");
  ad_hoc.pypi.root = "pypi";
  ad_hoc.pypi.projects = {"Six"};
  auto six = replica::repos_of_policy(ad_hoc, *mirror_.catalog);
  ASSERT_TRUE(six) << six.error().message;
  EXPECT_EQ(*six, (std::vector<RepoKey>{{"pypi", "pypi/six"}}));
}

TEST_F(TargetReposTest, NothingMirroredIsNotFound) {
  Policy hf = policy("qwen", "hf");
  hf.hf.repo = "Qwen/X";
  auto missing = replica::repos_of_policy(hf, *mirror_.catalog);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find("pull it before exporting"), std::string::npos);
  auto git = replica::repos_of_policy(policy("linux", "git"), *mirror_.catalog);
  ASSERT_FALSE(git);  // a git mirror before its first pull
  EXPECT_EQ(git.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace mirrord
