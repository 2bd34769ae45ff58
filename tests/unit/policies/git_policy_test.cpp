// source = "git" policies: keys, URL and mirror-name checks, ad-hoc git:URL targets, ref
// selection and the LFS server URL (policies/git_target.hpp, policies/git_fields.cpp).
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policies/policy.hpp"

namespace mirrord {
namespace {

using ::testing::HasSubstr;

Result<std::vector<Policy>> parse(const std::string& text) {
  return PolicySet::parse_text(text, "git.toml");
}

TEST(GitPolicyTest, ReadsEveryKey) {
  auto policies = parse(R"(
[[mirror]]
name = "linux"
source = "git"
url = "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git"
refs = ["refs/heads/master", "v6.*"]
allow_rewrite = true
lfs = false
lfs_url = "https://lfs.example/linux.git/info/lfs"
)");
  ASSERT_TRUE(policies.ok()) << policies.error().message;
  ASSERT_EQ(policies->size(), 1u);
  const Policy& policy = policies->front();
  EXPECT_EQ(policy.source, "git");
  EXPECT_EQ(policy.git.url, "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git");
  EXPECT_EQ(policy.git.refs, (std::vector<std::string>{"refs/heads/master", "v6.*"}));
  EXPECT_TRUE(policy.git.allow_rewrite);
  EXPECT_FALSE(policy.git.lfs);
  EXPECT_EQ(policy.git.lfs_server_url(), "https://lfs.example/linux.git/info/lfs");
  EXPECT_EQ(policy.key(), "git:linux");
  EXPECT_EQ(policy.git.mirror_name(policy.name), "linux");
}

TEST(GitPolicyTest, DefaultsAreEveryBranchAndTagNoRewriteWithLfs) {
  auto policies = parse(
      "[[mirror]]\nname = \"demo\"\nsource = \"git\"\n"
      "url = \"http://127.0.0.1:9/demo\"\n");
  ASSERT_TRUE(policies.ok()) << policies.error().message;
  const GitTarget& git = policies->front().git;
  EXPECT_FALSE(git.allow_rewrite);
  EXPECT_TRUE(git.lfs);
  EXPECT_TRUE(git.selects_ref("refs/heads/main"));
  EXPECT_TRUE(git.selects_ref("refs/heads/feature/deep/branch"));
  EXPECT_TRUE(git.selects_ref("refs/tags/v1.0"));
  EXPECT_FALSE(git.selects_ref("refs/pull/1/head"));
  EXPECT_FALSE(git.selects_ref("refs/notes/commits"));
  EXPECT_EQ(git.lfs_server_url(), "http://127.0.0.1:9/demo.git/info/lfs");
}

TEST(GitPolicyTest, RefPatternsMatchFullNamesOrShortNames) {
  GitTarget git;
  git.refs = {"refs/heads/release/*", "v2.*"};
  EXPECT_TRUE(git.selects_ref("refs/heads/release/1.0"));
  EXPECT_FALSE(git.selects_ref("refs/heads/release/1.0/hotfix"));
  EXPECT_TRUE(git.selects_ref("refs/tags/v2.1"));
  EXPECT_FALSE(git.selects_ref("refs/tags/v3.0"));
  EXPECT_FALSE(git.selects_ref("refs/heads/main"));
}

TEST(GitPolicyTest, LfsServerUrlFollowsTheGitLfsConvention) {
  GitTarget git;
  git.url = "https://example.org/org/repo.git/";
  EXPECT_EQ(git.lfs_server_url(), "https://example.org/org/repo.git/info/lfs");
  git.url = "git://example.org/org/repo";
  EXPECT_EQ(git.lfs_server_url(), "https://example.org/org/repo.git/info/lfs");
}

TEST(GitPolicyTest, RefusesBadValuesWithFileAndLine) {
  const std::string head = "[[mirror]]\nname = \"demo\"\nsource = \"git\"\n";
  struct Case {
    std::string body;
    std::string expected;
  };
  for (const Case& c : {
           Case{"url = \"ftp://example.org/x\"\n", "must start with https://, http:// or git://"},
           Case{"url = \"https://user:secret@example.org/x\"\n", "must not hold credentials"},
           Case{"url = \"https://example.org\"\n", "has no repository path"},
           Case{"url = \"https://example.org/a/../b\"\n", "'.' or '..'"},
           Case{"url = \"https://example.org/a b\"\n", "whitespace"},
           Case{"url = \"https://example.org/x?y=1\"\n", "query or fragment"},
           Case{"url = \"file:///etc\"\n", "must start with"},
           Case{"url = \"https://e.org/x\"\nrefs = [\"refs/heads/[\"]\n", "git.toml:5"},
           Case{"url = \"https://e.org/x\"\nallow_rewrite = \"yes\"\n", "git.toml:5"},
           Case{"url = \"https://e.org/x\"\nlfs_url = \"ftp://x\"\n", "http(s)://"},
           Case{"url = \"https://e.org/x\"\nref = [\"main\"]\n", "did you mean 'refs'?"},
           Case{"refs = [\"main\"]\n", "missing the required key 'url'"},
       }) {
    SCOPED_TRACE(c.body);
    auto policies = parse(head + c.body);
    ASSERT_FALSE(policies.ok());
    EXPECT_EQ(policies.error().code, ErrorCode::kInvalidInput);
    EXPECT_THAT(policies.error().message, HasSubstr(c.expected));
  }
}

TEST(GitAdhocTargetTest, NamesTheMirrorAfterHostAndPath) {
  auto policy = parse_adhoc_git_target("git:https://github.com/pytorch/pytorch.git");
  ASSERT_TRUE(policy.ok()) << policy.error().message;
  EXPECT_EQ(policy->source, "git");
  EXPECT_EQ(policy->git.url, "https://github.com/pytorch/pytorch.git");
  EXPECT_EQ(policy->git.name, "github.com/pytorch/pytorch");
  EXPECT_EQ(policy->key(), "git:github.com/pytorch/pytorch");
  EXPECT_TRUE(policy->git.refs.empty());

  auto with_port = parse_adhoc_git_target("git:http://127.0.0.1:8080/org/repo/");
  ASSERT_TRUE(with_port.ok()) << with_port.error().message;
  EXPECT_EQ(with_port->git.name, "127.0.0.1-8080/org/repo");
}

TEST(GitAdhocTargetTest, ResolveTakesGitUrls) {
  auto set = PolicySet::load({});
  ASSERT_TRUE(set.ok());
  auto policy = set->resolve("git:https://example.org/a/b");
  ASSERT_TRUE(policy.ok()) << policy.error().message;
  EXPECT_EQ(policy->git.name, "example.org/a/b");
}

TEST(GitAdhocTargetTest, RefusesUnsafeUrls) {
  for (const char* target : {"git:", "git:/etc/passwd", "git:file:///srv/repo",
                             "git:https://example.org", "git:https://u:p@example.org/x",
                             "git:https://example.org/../x", "git:ssh://example.org/x"}) {
    SCOPED_TRACE(target);
    auto policy = parse_adhoc_git_target(target);
    ASSERT_FALSE(policy.ok());
    EXPECT_EQ(policy.error().code, ErrorCode::kInvalidInput);
    EXPECT_THAT(policy.error().message, HasSubstr("git:URL"));
  }
}

TEST(GitMirrorNameTest, AcceptsSegmentedNamesAndRefusesAmbiguousOnes) {
  EXPECT_EQ(git_mirror_name_problem("linux"), "");
  EXPECT_EQ(git_mirror_name_problem("github.com/pytorch/pytorch"), "");
  for (const char* name : {"", "a//b", "/a", "a/", ".hidden", "-x", "a/../b", "a/./b", "x.git",
                           "a.git/b", "a/info/b", "objects", "a b", "a\\b", "a/b/c/d/e/f/g/h/i"}) {
    SCOPED_TRACE(name);
    EXPECT_NE(git_mirror_name_problem(name), "");
  }
  EXPECT_NE(git_mirror_name_problem(std::string(201, 'a')), "");
}

TEST(GitMirrorNameTest, DerivedNamesAreAlwaysValid) {
  EXPECT_EQ(git_mirror_name_for_url("https://h.example/a%20b/c.git"), "h.example/a-20b/c");
  EXPECT_EQ(git_mirror_name_for_url("https://h.example/x/info"), "");  // reserved segment
  EXPECT_EQ(git_mirror_name_for_url("ftp://h.example/x"), "");
}

}  // namespace
}  // namespace mirrord
