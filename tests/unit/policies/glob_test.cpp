// glob_match: the pattern language of include/exclude (policies/policy.hpp).
#include <string>

#include <gtest/gtest.h>

#include "policies/glob.hpp"
#include "policies/policy.hpp"

namespace mirrord {
namespace {

TEST(GlobTest, LiteralPatternMatchesOnlyItself) {
  EXPECT_TRUE(glob_match("config.json", "config.json"));
  EXPECT_FALSE(glob_match("config.json", "config.jsonx"));
  EXPECT_FALSE(glob_match("config.json", "xconfig.json"));
  EXPECT_FALSE(glob_match("*.JSON", "config.json")) << "matching is case-sensitive";
}

TEST(GlobTest, StarMatchesAnyRunWithinOneComponent) {
  EXPECT_TRUE(glob_match("*.safetensors", "model.safetensors"));
  EXPECT_TRUE(glob_match("LICENSE*", "LICENSE"));
  EXPECT_TRUE(glob_match("LICENSE*", "LICENSE.txt"));
  EXPECT_TRUE(glob_match("onnx/*.json", "onnx/config.json"));
  EXPECT_FALSE(glob_match("onnx/*.json", "onnx/sub/config.json")) << "'*' must not cross '/'";
  EXPECT_FALSE(glob_match("a*b", "a/b"));
}

TEST(GlobTest, PatternWithoutSlashAlsoMatchesTheBaseName) {
  EXPECT_TRUE(glob_match("*.json", "sub/dir/config.json"));
  EXPECT_TRUE(glob_match("*.bin", "original/pytorch_model.bin"));
  EXPECT_TRUE(glob_match("tokenizer.json", "nested/tokenizer.json"));
  // With a '/', the pattern is anchored to the whole path.
  EXPECT_FALSE(glob_match("dir/*.json", "x/dir/config.json"));
  EXPECT_FALSE(glob_match("*.json", "config.json/weights.bin"));
}

TEST(GlobTest, DoubleStarCrossesDirectories) {
  EXPECT_TRUE(glob_match("**", "a/b/c.bin"));
  EXPECT_TRUE(glob_match("original/**", "original/consolidated/00.pth"));
  EXPECT_FALSE(glob_match("original/**", "other/00.pth"));
  EXPECT_TRUE(glob_match("a**z", "a/b/z"));
  EXPECT_TRUE(glob_match("**.gguf", "q4/model.gguf"));
}

TEST(GlobTest, DoubleStarSlashMatchesZeroOrMoreDirectories) {
  EXPECT_TRUE(glob_match("**/config.json", "config.json"));
  EXPECT_TRUE(glob_match("**/config.json", "a/b/config.json"));
  EXPECT_TRUE(glob_match("a/**/b.txt", "a/b.txt"));
  EXPECT_TRUE(glob_match("a/**/b.txt", "a/x/y/b.txt"));
  EXPECT_FALSE(glob_match("a/**/b.txt", "ab.txt"));
  // Only at the start of a component: "foo**/bar" needs a '/' before "bar".
  EXPECT_FALSE(glob_match("foo**/bar", "foobar"));
  EXPECT_TRUE(glob_match("foo**/bar", "foo/x/bar"));
}

TEST(GlobTest, QuestionMarkMatchesOneCharacterButNotSlash) {
  EXPECT_TRUE(glob_match("model-0000?-of-00004.safetensors", "model-00003-of-00004.safetensors"));
  EXPECT_FALSE(glob_match("model-0000?-of-00004.safetensors", "model-000003-of-00004.safetensors"));
  EXPECT_FALSE(glob_match("a?b", "a/b"));
  EXPECT_FALSE(glob_match("a?b", "ab"));
}

TEST(GlobTest, ClassesMatchRangesSetsAndNegations) {
  EXPECT_TRUE(glob_match("model-[0-9][0-9].bin", "model-07.bin"));
  EXPECT_FALSE(glob_match("model-[0-9][0-9].bin", "model-0a.bin"));
  EXPECT_TRUE(glob_match("[abc].txt", "b.txt"));
  EXPECT_FALSE(glob_match("[abc].txt", "d.txt"));
  EXPECT_FALSE(glob_match("[!a]*", "abc"));
  EXPECT_TRUE(glob_match("[^a]*", "bcd"));
  EXPECT_TRUE(glob_match("[]]x", "]x")) << "']' first in a class is a member";
  EXPECT_FALSE(glob_match("a[/]b", "a/b")) << "a class never matches '/'";
  EXPECT_FALSE(glob_match("a[!x]b", "a/b"));
}

TEST(GlobTest, UnterminatedClassMatchesLiterally) {
  EXPECT_TRUE(glob_match("[abc", "[abc"));
  EXPECT_FALSE(glob_match("[abc", "a"));
}

TEST(GlobTest, HostilePatternDoesNotBacktrackExponentially) {
  const std::string path(5000, 'a');
  EXPECT_FALSE(glob_match("*a*a*a*a*a*a*a*a*a*a*a*a*b", path));
  EXPECT_FALSE(glob_match("**a**a**a**a**a**a**a**a**b", path));
  EXPECT_TRUE(glob_match("*a*a*a*a*a*a*a*a*a*a*a*a*", path));
}

TEST(GlobTest, PatternProblemsAreReported) {
  EXPECT_EQ(glob_pattern_problem("*.json"), "");
  EXPECT_EQ(glob_pattern_problem("model-[0-9]*.safetensors"), "");
  EXPECT_EQ(glob_pattern_problem("**/[]]x"), "");
  EXPECT_NE(glob_pattern_problem(""), "");
  EXPECT_NE(glob_pattern_problem("/config.json"), "");
  EXPECT_NE(glob_pattern_problem("model-[0-9.bin").find("column 7"), std::string::npos)
      << glob_pattern_problem("model-[0-9.bin");
}

}  // namespace
}  // namespace mirrord
