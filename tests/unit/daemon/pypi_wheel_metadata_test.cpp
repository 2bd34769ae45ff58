// Core metadata from wheels (daemon/pypi/wheel_metadata.hpp) and Requires-Dist parsing
// (daemon/pypi/requirement.hpp).
#include <fcntl.h>

#include <filesystem>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/pypi/requirement.hpp"
#include "daemon/pypi/wheel_metadata.hpp"
#include "storage/unique_fd.hpp"
#include "tests/unit/daemon/pypi_test_support.hpp"

namespace mirrord::pypi {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr const char* kDebianPipWheel = "/usr/share/python-wheels/pip-23.0.1-py3-none-any.whl";

class WheelMetadataTest : public ::testing::Test {
 protected:
  Result<std::string> extract(const std::string& bytes, const std::string& filename,
                              const std::string& project) {
    const auto path = dir_.path() / "wheel.whl";
    mirrord::testing::write_file(path, bytes);
    return extract_file(path, filename, project);
  }
  Result<std::string> extract_file(const std::filesystem::path& path, const std::string& filename,
                                   const std::string& project) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY));
    EXPECT_TRUE(fd.valid()) << path;
    const auto dist = parse_dist_filename(filename, project);
    EXPECT_TRUE(dist.has_value()) << filename;
    return extract_wheel_metadata(fd.get(), *dist);
  }

  mirrord::testing::TempDir dir_;
};

TEST_F(WheelMetadataTest, ReadsTheRealPipWheelThatDebianShips) {
  if (!std::filesystem::exists(kDebianPipWheel)) {
    GTEST_SKIP() << kDebianPipWheel << " is missing: install python3-pip-whl";
  }
  auto metadata = extract_file(kDebianPipWheel, "pip-23.0.1-py3-none-any.whl", "pip");
  ASSERT_TRUE(metadata.ok()) << metadata.error().message;
  const CoreMetadata fields = parse_core_metadata(*metadata);
  EXPECT_EQ(fields.name, "pip");
  EXPECT_EQ(fields.version, "23.0.1");
  EXPECT_EQ(fields.requires_python.value_or(""), ">=3.7");
}

TEST_F(WheelMetadataTest, ReturnsTheBytesUnmodified) {
  const std::string wheel = pypi_test::make_wheel("demo_pkg", "1.0", "Requires-Python: >=3.8\r\n");
  auto metadata = extract(wheel, "demo_pkg-1.0-py3-none-any.whl", "demo-pkg");
  ASSERT_TRUE(metadata.ok()) << metadata.error().message;
  EXPECT_EQ(*metadata, pypi_test::metadata_text("demo_pkg", "1.0", "Requires-Python: >=3.8\r\n"));
  // The dist-info name may be spelled differently from the filename, as long as it normalizes.
  auto other_spelling = extract(pypi_test::make_wheel("Demo.Pkg", "1.0.0"),
                                "demo_pkg-1.0-py3-none-any.whl", "demo-pkg");
  EXPECT_TRUE(other_spelling.ok());
}

TEST_F(WheelMetadataTest, RefusesWheelsWhoseMetadataCannotBeTrusted) {
  const std::string none = pypi_test::make_zip({{"demo_pkg/__init__.py", ""}});
  const std::string two = pypi_test::make_zip(
      {{"demo_pkg-1.0.dist-info/METADATA", "a"}, {"other-1.0.dist-info/METADATA", "b"}});
  const std::string mismatch = pypi_test::make_wheel("evil", "1.0");
  const std::string nested = pypi_test::make_zip({{"x/demo_pkg-1.0.dist-info/METADATA", "a"}});
  const std::string huge =
      pypi_test::make_zip({{"demo_pkg-1.0.dist-info/METADATA", std::string(17 << 20, 'x')}});
  const std::pair<std::string, const char*> cases[] = {
      {none, "no .dist-info/METADATA"},
      {two, "several"},
      {mismatch, "does not match the wheel's name and version"},
      {nested, "no .dist-info/METADATA"},
      {huge, "larger than 16 MiB"},
      {"not a zip at all", "ZIP"},
      {std::string(), "ZIP"},
  };
  for (const auto& [bytes, message] : cases) {
    SCOPED_TRACE(message);
    auto metadata = extract(bytes, "demo_pkg-1.0-py3-none-any.whl", "demo-pkg");
    ASSERT_FALSE(metadata.ok());
    EXPECT_EQ(metadata.error().code, ErrorCode::kInvalidInput);
    EXPECT_THAT(metadata.error().message, HasSubstr(message));
  }
}

TEST(CoreMetadataTest, ReadsHeadersUpToTheBody) {
  const CoreMetadata fields = parse_core_metadata(
      "Metadata-Version: 2.1\r\nName: torch\r\nVersion: 2.5.0\r\nSummary: a\r\n  continued\r\n"
      "requires-python: >=3.9.0\r\nRequires-Dist: filelock\r\n"
      "Requires-Dist: sympy>=1.13.3; python_version >= \"3.9\"\r\n"
      "Requires-Dist: opt-einsum>=3.3; extra == \"opt-einsum\"\r\n\r\n"
      "Requires-Dist: not-a-header\n");
  EXPECT_EQ(fields.name, "torch");
  EXPECT_EQ(fields.requires_python.value_or(""), ">=3.9.0");
  EXPECT_THAT(fields.requires_dist,
              ElementsAre("filelock", "sympy>=1.13.3; python_version >= \"3.9\"",
                          "opt-einsum>=3.3; extra == \"opt-einsum\""));
}

TEST(RequirementTest, NamesSpecifiersExtrasAndUrls) {
  const auto plain = parse_requirement("Typing_Extensions >= 4.10.0");
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->name, "typing-extensions");
  EXPECT_EQ(plain->specifiers, ">=4.10.0");
  EXPECT_FALSE(plain->extra_only);
  const auto parenthesized = parse_requirement("sympy (>=1.13.3, <2) ; python_version >= '3.9'");
  ASSERT_TRUE(parenthesized.has_value());
  EXPECT_EQ(parenthesized->specifiers, ">=1.13.3,<2");
  EXPECT_FALSE(parenthesized->extra_only);
  const auto extra = parse_requirement("optree>=0.13.0; extra == \"optree\"");
  ASSERT_TRUE(extra.has_value());
  EXPECT_TRUE(extra->extra_only);
  const auto quoted = parse_requirement("x; platform_system == 'extra'");
  ASSERT_TRUE(quoted.has_value());
  EXPECT_FALSE(quoted->extra_only);  // "extra" inside a string is not the variable
  const auto with_extras = parse_requirement("requests[socks]==2.31.0");
  ASSERT_TRUE(with_extras.has_value());
  EXPECT_EQ(with_extras->specifiers, "==2.31.0");
  const auto url = parse_requirement("pkg @ https://example.org/pkg.whl");
  ASSERT_TRUE(url.has_value());
  EXPECT_TRUE(url->url);
  EXPECT_FALSE(parse_requirement("").has_value());
  EXPECT_FALSE(parse_requirement(">=1.0").has_value());
  EXPECT_FALSE(parse_requirement("x[unclosed>=1").has_value());
}

}  // namespace
}  // namespace mirrord::pypi
