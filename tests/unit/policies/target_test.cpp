// Ad-hoc targets, HfTarget keys and file selection, and resolving names (policies/policy.hpp).
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policies/policy.hpp"
#include "tests/unit/policies/policy_fixtures.hpp"

namespace mirrord {
namespace {

using policy_fixtures::kDeepseekEntry;
using policy_fixtures::kQwenEntry;
using policy_fixtures::load_set;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(AdhocTargetTest, ParsesModelsDatasetsAndRevisions) {
  auto model = parse_adhoc_target("hf:Qwen/Qwen2.5-0.5B-Instruct");
  ASSERT_TRUE(model.ok()) << model.error().message;
  EXPECT_EQ(model->name, "hf:Qwen/Qwen2.5-0.5B-Instruct");
  EXPECT_EQ(model->source, "hf");
  EXPECT_EQ(model->hf.key(), "hf:model:Qwen/Qwen2.5-0.5B-Instruct@main");
  EXPECT_TRUE(model->file.empty());

  auto pinned =
      parse_adhoc_target("hf:Qwen/Qwen2.5-0.5B-Instruct@7ae557604adf67be50417f59c2c2f167def9a775");
  ASSERT_TRUE(pinned.ok()) << pinned.error().message;
  EXPECT_EQ(pinned->hf.revision, "7ae557604adf67be50417f59c2c2f167def9a775");

  auto dataset = parse_adhoc_target("hf:datasets/HuggingFaceFW/fineweb@v1.2");
  ASSERT_TRUE(dataset.ok()) << dataset.error().message;
  EXPECT_EQ(dataset->hf.key(), "hf:dataset:HuggingFaceFW/fineweb@v1.2");

  // An organisation that happens to be called "datasets" owns a model.
  auto org = parse_adhoc_target("hf:datasets/tiny");
  ASSERT_TRUE(org.ok()) << org.error().message;
  EXPECT_EQ(org->hf.key(), "hf:model:datasets/tiny@main");
}

TEST(AdhocTargetTest, BadFormsSayWhatIsExpected) {
  for (const char* target : {"hf:", "hf:Qwen", "hf:Qwen/X@", "hf:a/b/c", "hf:../x", "hf:Qwen/X@a b",
                             "hf:datasets/a/b/c", "Qwen/X", "hf:Qwen/../X"}) {
    SCOPED_TRACE(target);
    auto parsed = parse_adhoc_target(target);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidInput);
    EXPECT_THAT(parsed.error().message, HasSubstr("expected hf:ORG/NAME[@REVISION]"));
    EXPECT_THAT(parsed.error().message, HasSubstr(std::string("'") + target + "'"));
  }
}

HfTarget target_for(const std::string& repo) {
  HfTarget target;
  target.repo = repo;
  return target;
}

TEST(HfTargetTest, KeyNamesTypeRepoAndRevision) {
  EXPECT_EQ(target_for("Qwen/X").key(), "hf:model:Qwen/X@main");
  HfTarget target = target_for("Qwen/X");
  target.repo_type = "dataset";
  target.revision = "v2";
  EXPECT_EQ(target.key(), "hf:dataset:Qwen/X@v2");
}

TEST(HfTargetTest, EmptyIncludeSelectsEverythingNotExcluded) {
  HfTarget target = target_for("Qwen/X");
  EXPECT_TRUE(target.selects("model.safetensors"));
  EXPECT_TRUE(target.selects("deep/dir/anything.bin"));
  target.exclude = {"*.bin"};
  EXPECT_TRUE(target.selects("model.safetensors"));
  EXPECT_FALSE(target.selects("deep/dir/anything.bin"));
}

TEST(HfTargetTest, IncludeRestrictsAndExcludeWins) {
  HfTarget target = target_for("Qwen/X");
  target.include = {"*.json", "*.safetensors", "original/**"};
  target.exclude = {"*.pth", "tokenizer_config.json"};
  EXPECT_TRUE(target.selects("config.json"));
  EXPECT_TRUE(target.selects("model-00001-of-00004.safetensors"));
  EXPECT_FALSE(target.selects("README.md"));
  EXPECT_FALSE(target.selects("tokenizer_config.json")) << "exclude wins over *.json";
  EXPECT_TRUE(target.selects("original/params.json"));
  EXPECT_FALSE(target.selects("original/consolidated.00.pth")) << "exclude wins over original/**";
}

TEST(ResolveTest, ExactNameThenAliasIgnoringCase) {
  const PolicySet set = load_set(std::string(kQwenEntry) + kDeepseekEntry);
  auto by_name = set.resolve("deepseek");
  ASSERT_TRUE(by_name.ok()) << by_name.error().message;
  EXPECT_EQ(by_name->hf.repo, "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B");
  for (const char* spelling : {"qwen2.5", "QWEN2.5", "qwen-small", "Qwen"}) {
    auto by_alias = set.resolve(spelling);
    ASSERT_TRUE(by_alias.ok()) << spelling << ": " << by_alias.error().message;
    EXPECT_EQ(by_alias->name, "qwen");
  }
}

TEST(ResolveTest, AdhocTargetsResolveWithoutAPolicy) {
  const PolicySet set = load_set(kQwenEntry);
  auto resolved = set.resolve("hf:deepseek-ai/DeepSeek-V3@main");
  ASSERT_TRUE(resolved.ok()) << resolved.error().message;
  EXPECT_EQ(resolved->hf.key(), "hf:model:deepseek-ai/DeepSeek-V3@main");
  auto malformed = set.resolve("hf:deepseek-ai");
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error().code, ErrorCode::kInvalidInput);
  auto other_source = set.resolve("npm:left-pad");
  ASSERT_FALSE(other_source.ok());
  EXPECT_EQ(other_source.error().code, ErrorCode::kInvalidInput);
  EXPECT_THAT(other_source.error().message, HasSubstr("unsupported source 'npm'"));
}

TEST(ResolveTest, UnknownNameSuggestsCloseMatches) {
  const PolicySet set = load_set(std::string(kQwenEntry) + kDeepseekEntry);
  auto typo = set.resolve("deepsek");
  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(typo.error().message, "unknown target 'deepsek'; did you mean: deepseek?");
  auto swapped = set.resolve("qewn");
  ASSERT_FALSE(swapped.ok());
  EXPECT_THAT(swapped.error().message, HasSubstr("did you mean: qwen"));
}

TEST(ResolveTest, UnknownNameWithoutCloseMatchesPointsAtTheList) {
  const PolicySet set = load_set(kQwenEntry);
  auto unknown = set.resolve("stable-diffusion");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(unknown.error().message,
            "unknown target 'stable-diffusion'; run `mirrorctl ls` or see the policies directory");
}

TEST(ResolveTest, RepoIdInsteadOfNameSuggestsThePolicyAndTheHfForm) {
  const PolicySet set = load_set(kQwenEntry);
  auto by_repo = set.resolve("Qwen/Qwen2.5-0.5B-Instruct");
  ASSERT_FALSE(by_repo.ok());
  EXPECT_THAT(by_repo.error().message, HasSubstr("did you mean: qwen?"));
  EXPECT_THAT(by_repo.error().message, HasSubstr("use hf:Qwen/Qwen2.5-0.5B-Instruct"));
}

TEST(ResolveTest, CloseMatchesAreBestFirstAndBounded) {
  const PolicySet set = load_set(std::string(kQwenEntry) + kDeepseekEntry);
  EXPECT_THAT(set.close_matches("qwen2"), ElementsAre("qwen", "qwen2.5"));
  EXPECT_THAT(set.close_matches("qwen-smal"), ElementsAre("Qwen-Small", "qwen"));
  EXPECT_THAT(set.close_matches("qwen2", 1), ElementsAre("qwen"));
  EXPECT_TRUE(set.close_matches("zz").empty());
  EXPECT_TRUE(set.resolve("").error().code == ErrorCode::kInvalidInput);
}

}  // namespace
}  // namespace mirrord
