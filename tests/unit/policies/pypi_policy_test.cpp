// `source = "pypi"` policy keys, PypiTarget keys and ad-hoc "pypi:" targets.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policies/policy.hpp"
#include "policies/pypi_names.hpp"

namespace mirrord {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr const char* kTorchEntry = R"([[mirror]]
name = "torch-cu128"
aliases = ["torch"]
source = "pypi"
index = "https://download.pytorch.org/whl/cu128/"
projects = ["torch", "Typing_Extensions"]
versions = ">=2.7, <2.9"
latest = 2
prereleases = true
wheel_tags = ["cp312-cp312-manylinux*_x86_64", "py3-none-any"]
sdists = false
max_file_size = 4294967296
file_hosts = ["download-r2.pytorch.org"]
dependencies = true
)";

Result<std::vector<Policy>> parse(const std::string& text) {
  return PolicySet::parse_text(text, "test.toml");
}

std::string parse_error(const std::string& text) {
  auto parsed = parse(text);
  EXPECT_FALSE(parsed.ok());
  return parsed.ok() ? std::string() : parsed.error().message;
}

std::string entry_with(const std::string& extra) {
  return "[[mirror]]\nname = \"p\"\nsource = \"pypi\"\nindex = \"https://pypi.org/simple/\"\n"
         "projects = [\"requests\"]\n" +
         extra + "\n";
}

TEST(PypiPolicyTest, ReadsEveryKey) {
  auto parsed = parse(kTorchEntry);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_EQ(parsed->size(), 1u);
  const PypiTarget& target = (*parsed)[0].pypi;
  EXPECT_EQ(target.index, "https://download.pytorch.org/whl/cu128/");
  EXPECT_THAT(target.projects, ElementsAre("torch", "Typing_Extensions"));
  EXPECT_EQ(target.versions, ">=2.7, <2.9");
  EXPECT_EQ(target.latest, 2);
  EXPECT_TRUE(target.prereleases);
  EXPECT_THAT(target.wheel_tags, ElementsAre("cp312-cp312-manylinux*_x86_64", "py3-none-any"));
  EXPECT_FALSE(target.sdists);
  EXPECT_EQ(target.max_file_size, 4294967296u);
  EXPECT_THAT(target.file_hosts, ElementsAre("download-r2.pytorch.org"));
  EXPECT_TRUE(target.dependencies);
  EXPECT_EQ((*parsed)[0].key(), "pypi:torch-cu128");
  EXPECT_EQ(target.root_name("torch-cu128"), "torch-cu128");
}

TEST(PypiPolicyTest, DefaultsAreTheWholeProjectWithoutPreReleases) {
  auto parsed = parse(entry_with(""));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const PypiTarget& target = (*parsed)[0].pypi;
  EXPECT_EQ(target.versions, "");
  EXPECT_EQ(target.latest, 0);
  EXPECT_FALSE(target.prereleases);
  EXPECT_TRUE(target.wheel_tags.empty());
  EXPECT_TRUE(target.sdists);
  EXPECT_EQ(target.max_file_size, 0u);
  EXPECT_FALSE(target.dependencies);
}

TEST(PypiPolicyTest, RefusesBadValuesWithTheirLine) {
  EXPECT_THAT(parse_error(entry_with("versions = \">=2.0,<\"")),
              HasSubstr("test.toml:6: 'versions' version specifier '<' names no version"));
  EXPECT_THAT(parse_error(entry_with("latest = -1")),
              HasSubstr("'latest' must be 0 (all) or more"));
  EXPECT_THAT(parse_error(entry_with("max_file_size = 0")),
              HasSubstr("'max_file_size' must be a positive number of bytes"));
  EXPECT_THAT(parse_error(entry_with("wheel_tags = [\"cp312-[abi\"]")),
              HasSubstr("unterminated '['"));
  EXPECT_THAT(parse_error(entry_with("wheel_tags = [\"a/b\"]")), HasSubstr("never contain '/'"));
  EXPECT_THAT(parse_error(entry_with("file_hosts = [\"https://x.org\"]")),
              HasSubstr("must be a bare host name"));
  EXPECT_THAT(parse_error(entry_with("sdists = \"no\"")), HasSubstr("must be true or false"));
  EXPECT_THAT(parse_error(entry_with("wheel-tags = []")), HasSubstr("did you mean 'wheel_tags'"));
  EXPECT_THAT(parse_error("[[mirror]]\nname = \"p\"\nsource = \"pypi\"\nindex = \"ftp://x/\"\n"
                          "projects = [\"a\"]\n"),
              HasSubstr("must be an http(s):// URL"));
  EXPECT_THAT(parse_error("[[mirror]]\nname = \"p\"\nsource = \"pypi\"\nindex = \"https://x/\"\n"
                          "projects = [\"a b\"]\n"),
              HasSubstr("entry 'a b' may hold only ASCII letters"));
  EXPECT_THAT(parse_error("[[mirror]]\nname = \"p\"\nsource = \"pypi\"\nindex = \"https://x/\"\n"
                          "projects = []\n"),
              HasSubstr("must name at least one project"));
  EXPECT_THAT(parse_error("[[mirror]]\nname = \"p\"\nsource = \"pypi\"\nindex = \"https://x/\"\n"),
              HasSubstr("missing the required key 'projects'"));
}

TEST(PypiPolicyTest, IndexMayNameSeveralIndexesOfTheSameProjects) {
  auto parsed = parse(
      "[[mirror]]\nname = \"p\"\nsource = \"pypi\"\n"
      "index = [\"https://a.example/simple/\", \"https://b.example/simple/\"]\n"
      "projects = [\"requests\"]\n");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const PypiTarget& target = (*parsed)[0].pypi;
  EXPECT_EQ(target.index, "https://a.example/simple/");
  EXPECT_THAT(target.extra_indexes, ElementsAre("https://b.example/simple/"));
  EXPECT_THAT(target.all_indexes(),
              ElementsAre("https://a.example/simple/", "https://b.example/simple/"));
  EXPECT_THAT(parse_error("[[mirror]]\nname = \"p\"\nsource = \"pypi\"\nindex = []\n"
                          "projects = [\"a\"]\n"),
              HasSubstr("must name at least one simple index"));
  EXPECT_THAT(parse_error("[[mirror]]\nname = \"p\"\nsource = \"pypi\"\n"
                          "index = [\"https://a/\", \"ftp://b/\"]\nprojects = [\"a\"]\n"),
              HasSubstr("entry 'ftp://b/' must be an http(s):// URL"));
}

TEST(PypiAdhocTargetTest, NameAndOptionalSpecifiers) {
  auto plain = parse_adhoc_pypi_target("pypi:Requests");
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_EQ(plain->source, "pypi");
  EXPECT_EQ(plain->name, "pypi:Requests");
  EXPECT_EQ(plain->pypi.index, "");  // the daemon's [upstream.pypi] index
  EXPECT_THAT(plain->pypi.projects, ElementsAre("Requests"));
  EXPECT_EQ(plain->pypi.latest, 1);
  EXPECT_EQ(plain->pypi.root_name(plain->name), "pypi");

  auto pinned = parse_adhoc_pypi_target("pypi:requests==2.31.0");
  ASSERT_TRUE(pinned.ok()) << pinned.error().message;
  EXPECT_EQ(pinned->pypi.versions, "==2.31.0");
  // Two spellings of one project and pin are one single-flight key.
  auto other_spelling = parse_adhoc_pypi_target("pypi:Requests==2.31.0");
  ASSERT_TRUE(other_spelling.ok());
  EXPECT_EQ(pinned->key(), other_spelling->key());
  EXPECT_NE(pinned->key(), plain->key());

  auto range = parse_adhoc_pypi_target("pypi:numpy>=1.26,<2");
  ASSERT_TRUE(range.ok()) << range.error().message;
  EXPECT_EQ(range->pypi.versions, ">=1.26,<2");
}

TEST(PypiAdhocTargetTest, BadFormsSayWhatIsExpected) {
  for (const char* target : {"pypi:", "pypi:==1.0", "pypi:req uests",
                             "pypi:requests==", "pypi:requests=1.0", "pypi:-x", "pypi:a/b"}) {
    SCOPED_TRACE(target);
    auto parsed = parse_adhoc_pypi_target(target);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidInput);
    EXPECT_THAT(parsed.error().message, HasSubstr("expected pypi:NAME or pypi:NAME==VERSION"));
  }
}

TEST(PypiAdhocTargetTest, ResolvedThroughAPolicySet) {
  PolicySet empty;
  auto resolved = empty.resolve("pypi:six==1.16.0");
  ASSERT_TRUE(resolved.ok()) << resolved.error().message;
  EXPECT_EQ(resolved->source, "pypi");
}

TEST(ProjectNameTest, NormalizesAndValidates) {
  EXPECT_EQ(normalize_project_name("Foo__Bar.baz"), "foo-bar-baz");
  EXPECT_EQ(normalize_project_name("typing_extensions"), "typing-extensions");
  EXPECT_EQ(normalize_project_name("A-._B"), "a-b");
  EXPECT_EQ(project_name_problem("torch"), "");
  EXPECT_EQ(project_name_problem("x"), "");
  EXPECT_NE(project_name_problem(""), "");
  EXPECT_NE(project_name_problem("-x"), "");
  EXPECT_NE(project_name_problem("x."), "");
  EXPECT_NE(project_name_problem("caf\xc3\xa9"), "");
  EXPECT_NE(project_name_problem(std::string(129, 'a')), "");
}

}  // namespace
}  // namespace mirrord
