// Policy files: parsing, validation with file:line messages, loading directories, and the
// shipped catalog (policies/policy.hpp).
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policies/policy.hpp"
#include "tests/unit/policies/policy_fixtures.hpp"
#include "tests/unit/storage/temp_dir.hpp"

namespace mirrord {
namespace {

using policy_fixtures::kDeepseekEntry;
using policy_fixtures::kQwenEntry;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::TempDir;
using testing::write_file;

Error parse_error(const std::string& text) {
  auto parsed = PolicySet::parse_text(text, "test.toml");
  EXPECT_FALSE(parsed.ok()) << "expected a parse error for:\n" << text;
  return parsed.ok() ? Error{} : parsed.error();
}

// A one-entry file whose entry has `extra` lines after name/source/repo.
std::string entry_with(const std::string& extra, const std::string& repo = "Org/Name") {
  return "[[mirror]]\nname = \"x\"\nsource = \"hf\"\nrepo = \"" + repo + "\"\n" + extra + "\n";
}

TEST(PolicyParseTest, ReadsEveryFieldAndWhereItWasDefined) {
  auto parsed = PolicySet::parse_text(kQwenEntry, "catalog/qwen.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_EQ(parsed->size(), 1u);
  const Policy& policy = parsed->front();
  EXPECT_EQ(policy.name, "qwen");
  EXPECT_THAT(policy.aliases, ElementsAre("qwen2.5", "Qwen-Small"));
  EXPECT_EQ(policy.source, "hf");
  EXPECT_EQ(policy.hf.repo, "Qwen/Qwen2.5-0.5B-Instruct");
  EXPECT_EQ(policy.hf.repo_type, "model");
  EXPECT_EQ(policy.hf.revision, "main");
  EXPECT_THAT(policy.hf.include, ElementsAre("*.json", "*.safetensors"));
  EXPECT_THAT(policy.hf.exclude, ElementsAre("*.bin"));
  EXPECT_EQ(policy.file, "catalog/qwen.toml");
  EXPECT_EQ(policy.line, 2);
}

TEST(PolicyParseTest, OptionalKeysTakeTheirDefaults) {
  auto parsed = PolicySet::parse_text(kDeepseekEntry, "d.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const Policy& policy = parsed->front();
  EXPECT_EQ(policy.hf.repo_type, "model");
  EXPECT_EQ(policy.hf.revision, "main");
  EXPECT_TRUE(policy.aliases.empty());
  EXPECT_TRUE(policy.hf.include.empty());
  EXPECT_EQ(policy.line, 2);
}

TEST(PolicyParseTest, EmptyFileHasNoPolicies) {
  auto parsed = PolicySet::parse_text("# nothing yet\n", "empty.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_TRUE(parsed->empty());
}

TEST(PolicyParseTest, SyntaxErrorReportsFileAndLine) {
  const Error error =
      parse_error("[[mirror]]\nname = \"x\"\nrepo = \"unterminated\nsource = \"hf\"\n");
  EXPECT_EQ(error.code, ErrorCode::kInvalidInput);
  EXPECT_THAT(error.message, HasSubstr("test.toml:3:"));
  EXPECT_THAT(error.message, HasSubstr("syntax error"));
}

TEST(PolicyParseTest, UnknownKeyIsRefusedWithASuggestion) {
  const Error error = parse_error(entry_with("exlude = [\"*.bin\"]"));
  EXPECT_EQ(error.code, ErrorCode::kInvalidInput);
  EXPECT_THAT(error.message, HasSubstr("test.toml:5: unknown key 'exlude'"));
  EXPECT_THAT(error.message, HasSubstr("did you mean 'exclude'?"));
}

TEST(PolicyParseTest, UnknownKeyFarFromAnyKnownOneListsTheKnownKeys) {
  const Error error = parse_error(entry_with("mirror_everything = true"));
  EXPECT_THAT(error.message, HasSubstr("test.toml:5: unknown key 'mirror_everything'"));
  EXPECT_THAT(error.message, HasSubstr("known keys: name, aliases, source, repo"));
}

TEST(PolicyParseTest, UnknownTopLevelKeyIsRefused) {
  const Error error = parse_error(std::string("mirrors = 1\n") + kDeepseekEntry);
  EXPECT_THAT(error.message, HasSubstr("test.toml:1: unknown top-level key 'mirrors'"));
}

TEST(PolicyParseTest, MirrorMustBeAnArrayOfTables) {
  EXPECT_THAT(parse_error("[mirror]\nname = \"x\"\n").message, HasSubstr("write [[mirror]]"));
  EXPECT_THAT(parse_error("mirror = [1, 2]\n").message, HasSubstr("must be a table"));
}

TEST(PolicyParseTest, WrongTypesAreRefusedWithTheLine) {
  EXPECT_THAT(parse_error(entry_with("include = \"*.json\"")).message,
              HasSubstr("test.toml:5: 'include' must be an array of strings, not a string"));
  EXPECT_THAT(parse_error(entry_with("revision = 3")).message,
              HasSubstr("test.toml:5: 'revision' must be a string, not an integer"));
  EXPECT_THAT(parse_error(entry_with("aliases = [\"a\", 2]")).message,
              HasSubstr("'aliases' must be a string, not an integer"));
  EXPECT_THAT(parse_error("[[mirror]]\nname = true\nsource = \"hf\"\nrepo = \"a/b\"\n").message,
              HasSubstr("test.toml:2: 'name' must be a string, not a boolean"));
}

TEST(PolicyParseTest, MissingRequiredKeyNamesTheKeyAndTheEntry) {
  const Error error = parse_error("\n\n[[mirror]]\nname = \"qwen\"\nsource = \"hf\"\n");
  EXPECT_THAT(error.message,
              HasSubstr("test.toml:3: [[mirror]] 'qwen' is missing the required key 'repo'"));
  EXPECT_THAT(parse_error("[[mirror]]\nrepo = \"a/b\"\nsource = \"hf\"\n").message,
              HasSubstr("missing the required key 'name'"));
  EXPECT_THAT(parse_error("[[mirror]]\nrepo = \"a/b\"\nname = \"n\"\n").message,
              HasSubstr("missing the required key 'source'"));
}

TEST(PolicyParseTest, SourceMustBeAKnownEcosystem) {
  const Error error =
      parse_error("[[mirror]]\nname = \"torch\"\nsource = \"npm\"\nrepo = \"a/b\"\n");
  EXPECT_THAT(error.message, HasSubstr("test.toml:3: 'source' is 'npm'"));
  EXPECT_THAT(error.message, HasSubstr("\"hf\", \"pypi\", \"apt\", \"git\""));
}

TEST(PolicyParseTest, KeysOfAnotherSourceAreRefused) {
  const Error error =
      parse_error("[[mirror]]\nname = \"torch\"\nsource = \"pypi\"\nrepo = \"a/b\"\n");
  EXPECT_THAT(error.message, HasSubstr("test.toml:4: unknown key 'repo'"));
}

TEST(PolicyParseTest, RepoMustLookLikeOrgSlashName) {
  for (const char* repo : {"Qwen", "Qwen/", "/Qwen", "Qwen/../etc", "a/b/c", "Qwen/Qwen 2",
                           ".hidden/x", "org/name-", "Qwen/Qwen2.5;rm"}) {
    SCOPED_TRACE(repo);
    const Error error = parse_error(entry_with("", repo));
    EXPECT_THAT(error.message, HasSubstr("test.toml:4: 'repo'"));
  }
  EXPECT_TRUE(PolicySet::parse_text(entry_with("", "deepseek-ai/DeepSeek-R1_v2.5"), "t").ok());
}

TEST(PolicyParseTest, RepoTypeIsModelOrDataset) {
  EXPECT_TRUE(PolicySet::parse_text(entry_with("repo_type = \"dataset\""), "t").ok());
  EXPECT_THAT(parse_error(entry_with("repo_type = \"space\"")).message,
              HasSubstr("'repo_type' is 'space'; expected \"model\" or \"dataset\""));
}

TEST(PolicyParseTest, RevisionMustBeNonEmptyWithoutSpaces) {
  EXPECT_TRUE(PolicySet::parse_text(entry_with("revision = \"refs/pr/1\""), "t").ok());
  EXPECT_THAT(parse_error(entry_with("revision = \"\"")).message, HasSubstr("'revision' is empty"));
  EXPECT_THAT(parse_error(entry_with("revision = \"v1 beta\"")).message,
              HasSubstr("'revision' must not contain spaces"));
  EXPECT_THAT(parse_error(entry_with("revision = \"main/../x\"")).message, HasSubstr("\"..\""));
}

TEST(PolicyParseTest, NamesAndPatternsAreChecked) {
  EXPECT_THAT(parse_error("[[mirror]]\nname = \"hf:x\"\nsource = \"hf\"\nrepo = \"a/b\"\n").message,
              HasSubstr("'name' must start with a letter or digit"));
  EXPECT_THAT(parse_error(entry_with("aliases = [\"\"]")).message,
              HasSubstr("'aliases' entry '' is empty"));
  EXPECT_THAT(parse_error(entry_with("include = [\"model-[0-9.bin\"]")).message,
              HasSubstr("test.toml:5: 'include' pattern 'model-[0-9.bin': unterminated '['"));
  EXPECT_THAT(parse_error(entry_with("exclude = [\"\"]")).message, HasSubstr("empty pattern"));
}

TEST(PolicyParseTest, DuplicateNameOrAliasInOneFileIsRefused) {
  const std::string text = std::string(kQwenEntry) +
                           "\n[[mirror]]\nname = \"QWEN2.5\"\nsource = \"hf\"\nrepo = \"a/b\"\n";
  const Error error = parse_error(text);
  EXPECT_THAT(error.message, HasSubstr("test.toml:12: name 'QWEN2.5' is already used by 'qwen'"));
}

TEST(PolicyLoadTest, DuplicateNameAcrossFilesNamesBothFiles) {
  TempDir dir;
  write_file(dir.path() / "a.toml", kQwenEntry);
  write_file(
      dir.path() / "b.toml",
      "[[mirror]]\nname = \"other\"\naliases = [\"Qwen\"]\nsource = \"hf\"\nrepo = \"a/b\"\n");
  auto set = PolicySet::load({dir.path()});
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().code, ErrorCode::kInvalidInput);
  EXPECT_THAT(set.error().message, HasSubstr("b.toml:1: alias 'Qwen' is already used by 'qwen'"));
  EXPECT_THAT(set.error().message, HasSubstr("a.toml:2"));
}

TEST(PolicyLoadTest, LoadsTomlFilesFromEveryDirectoryAndSkipsMissingOnes) {
  TempDir first;
  TempDir second;
  write_file(first.path() / "qwen.toml", kQwenEntry);
  write_file(first.path() / "README.md", "not a policy = [");
  write_file(second.path() / "deepseek.toml", kDeepseekEntry);
  auto set = PolicySet::load({first.path(), first.path() / "absent", second.path()});
  ASSERT_TRUE(set.ok()) << set.error().message;
  ASSERT_EQ(set->policies().size(), 2u);
  EXPECT_EQ(set->policies()[0].name, "qwen");
  EXPECT_EQ(set->policies()[1].name, "deepseek");
}

TEST(PolicyLoadTest, AMalformedFileFailsTheWholeLoad) {
  TempDir dir;
  write_file(dir.path() / "good.toml", kQwenEntry);
  write_file(dir.path() / "typo.toml", entry_with("inclde = [\"*.json\"]"));
  auto set = PolicySet::load({dir.path()});
  ASSERT_FALSE(set.ok());
  EXPECT_THAT(set.error().message, HasSubstr("typo.toml:5: unknown key 'inclde'"));
}

TEST(PolicyLoadTest, AFileWhereADirectoryIsExpectedIsRefused) {
  TempDir dir;
  write_file(dir.path() / "policies", kQwenEntry);
  auto set = PolicySet::load({dir.path() / "policies"});
  ASSERT_FALSE(set.ok());
  EXPECT_THAT(set.error().message, HasSubstr("not a directory"));
}

TEST(PolicyLoadTest, ParseFileReportsAMissingFile) {
  TempDir dir;
  auto parsed = PolicySet::parse_file(dir.path() / "nope.toml");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ErrorCode::kIo);
  EXPECT_THAT(parsed.error().message, HasSubstr("nope.toml"));
}

// Every file shipped in policies/catalog must load, and each seed name must resolve to the
// Hugging Face repo it promises, selecting safetensors and refusing pickles and remote code.
TEST(ShippedCatalogTest, EveryFileLoadsAndTheSeedNamesResolve) {
#ifdef MIRRORD_SOURCE_CATALOG_DIR
  const std::filesystem::path catalog = MIRRORD_SOURCE_CATALOG_DIR;
#else
  const std::filesystem::path catalog =
      std::filesystem::path(MIRRORD_TEST_DATA) / ".." / ".." / "policies" / "catalog";
#endif
  ASSERT_TRUE(std::filesystem::is_directory(catalog)) << catalog;
  auto set = PolicySet::load({catalog});
  ASSERT_TRUE(set.ok()) << set.error().message;
  const std::pair<const char*, const char*> seeds[] = {
      {"qwen", "Qwen/Qwen2.5-0.5B-Instruct"},
      {"qwen2.5", "Qwen/Qwen2.5-0.5B-Instruct"},
      {"qwen-7b", "Qwen/Qwen2.5-7B-Instruct"},
      {"deepseek", "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B"},
      {"kimi", "moonshotai/Kimi-K2-Instruct"},
      {"glm", "zai-org/GLM-4.5-Air"},
      {"k2-think", "LLM360/K2-Think"},
  };
  for (const auto& [name, repo] : seeds) {
    SCOPED_TRACE(name);
    auto policy = set->resolve(name);
    ASSERT_TRUE(policy.ok()) << policy.error().message;
    EXPECT_EQ(policy->hf.repo, repo);
    EXPECT_EQ(policy->hf.revision, "main");
    EXPECT_TRUE(policy->hf.selects("model-00001-of-00002.safetensors"));
    EXPECT_TRUE(policy->hf.selects("config.json"));
    EXPECT_FALSE(policy->hf.selects("pytorch_model.bin"));
    EXPECT_FALSE(policy->hf.selects("original/consolidated.00.pth"));
    // Only an entry whose model cannot load without its own code takes remote code, and says so.
    const bool needs_code = std::string(name) == "kimi";
    EXPECT_EQ(policy->hf.selects("modeling_custom.py"), needs_code);
    EXPECT_EQ(policy->hf.admission.remote_code,
              needs_code ? RemoteCodeRule::kAllow : RemoteCodeRule::kRefuse);
  }
  for (const Policy& policy : set->policies()) {
    auto reparsed = PolicySet::parse_file(policy.file);
    EXPECT_TRUE(reparsed.ok()) << policy.file;
  }
}

}  // namespace
}  // namespace mirrord
