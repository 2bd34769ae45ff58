// Wheel and sdist filenames (daemon/pypi/dist_filename.hpp).
#include <gtest/gtest.h>

#include "daemon/pypi/dist_filename.hpp"

namespace mirrord::pypi {
namespace {

TEST(DistFilenameTest, ParsesWheelsWithCompressedTagSets) {
  auto wheel = parse_dist_filename(
      "numpy-2.1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", "numpy");
  ASSERT_TRUE(wheel.has_value());
  EXPECT_EQ(wheel->kind, DistKind::kWheel);
  EXPECT_EQ(wheel->version->str(), "2.1.0");
  ASSERT_EQ(wheel->tags.size(), 2u);
  EXPECT_EQ(wheel->tags[0].str(), "cp312-cp312-manylinux_2_17_x86_64");
  EXPECT_EQ(wheel->tags[1].str(), "cp312-cp312-manylinux2014_x86_64");

  auto universal = parse_dist_filename("six-1.16.0-py2.py3-none-any.whl", "six");
  ASSERT_TRUE(universal.has_value());
  EXPECT_EQ(universal->tags.size(), 2u);

  auto local = parse_dist_filename("torch-2.6.0+cu124-cp312-cp312-linux_x86_64.whl", "torch");
  ASSERT_TRUE(local.has_value());
  EXPECT_EQ(local->version->str(), "2.6.0+cu124");

  auto build =
      parse_dist_filename("Typing_Extensions-4.12.2-1-py3-none-any.whl", "typing-extensions");
  ASSERT_TRUE(build.has_value());
  EXPECT_EQ(build->build, "1");
}

TEST(DistFilenameTest, ParsesSdistsWhoseNamesHoldDashes) {
  auto sdist = parse_dist_filename("foo-bar-1.0.tar.gz", "foo-bar");
  ASSERT_TRUE(sdist.has_value());
  EXPECT_EQ(sdist->kind, DistKind::kSdist);
  EXPECT_EQ(sdist->version_text, "1.0");
  auto pep625 = parse_dist_filename("foo_bar-2.0rc1.tar.gz", "foo-bar");
  ASSERT_TRUE(pep625.has_value());
  EXPECT_TRUE(pep625->version->is_prerelease());
  auto legacy = parse_dist_filename("Foo.Bar-3.zip", "foo-bar");
  ASSERT_TRUE(legacy.has_value());
  EXPECT_EQ(legacy->version_text, "3");
  auto odd = parse_dist_filename("foo-2004d.tar.gz", "foo");
  ASSERT_TRUE(odd.has_value());
  EXPECT_FALSE(odd->version.has_value());  // not PEP 440: never selected by a filter
}

TEST(DistFilenameTest, RefusesOtherProjectsAndMalformedNames) {
  for (const char* name : {"numpy-2.1.0-cp312-cp312-linux_x86_64.whl",  // another project
                           "torch-2.0-cp312-linux_x86_64.whl",          // too few parts
                           "torch-2.0-x-cp312-cp312-linux_x86_64.whl",  // build tag not a digit
                           "torch-2.0-cp312-cp312-.whl", "torch-2.0-cp312..cp313-none-any.whl",
                           "torch-.tar.gz", "torch-2.0.exe", "torch-2.0.egg", "../torch-2.0.tar.gz",
                           "torch-2.0.tar.gz/x", ".torch-2.0.tar.gz", "torch-2.0 .tar.gz"}) {
    SCOPED_TRACE(name);
    EXPECT_FALSE(parse_dist_filename(name, "torch").has_value());
  }
  // A hostile tag set that would expand to millions of tags.
  std::string tags = "a";
  for (int i = 0; i < 200; ++i) {
    tags += ".a";
  }
  EXPECT_FALSE(
      parse_dist_filename("torch-1.0-" + tags + "-" + tags + "-" + tags + ".whl", "torch"));
  EXPECT_NE(filename_problem(std::string(256, 'a')), "");
  EXPECT_EQ(filename_problem("torch-2.6.0+cu124-cp312-cp312-linux_x86_64.whl"), "");
}

}  // namespace
}  // namespace mirrord::pypi
