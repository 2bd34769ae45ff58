// The policy filters over a page (daemon/pypi/pypi_filters.hpp).
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/pypi/pypi_filters.hpp"
#include "policies/policy.hpp"

namespace mirrord::pypi {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

UpstreamFile file(const std::string& name, std::optional<std::uint64_t> size = std::nullopt,
                  std::optional<std::string> yanked = std::nullopt) {
  UpstreamFile f;
  f.filename = name;
  f.url = "https://h/" + name;
  f.size = size;
  f.yanked = yanked;
  return f;
}

const std::vector<UpstreamFile> kTorchPage = {
    file("torch-2.4.0+cu124-cp311-cp311-linux_x86_64.whl"),
    file("torch-2.4.0+cu124-cp312-cp312-linux_x86_64.whl", 2000),
    file("torch-2.5.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", 900),
    file("torch-2.5.0-cp312-cp312-win_amd64.whl"),
    file("torch-2.5.0-cp312-none-macosx_11_0_arm64.whl"),
    file("torch-2.6.0rc1-cp312-cp312-manylinux_2_28_x86_64.whl"),
    file("torch-2.5.0.tar.gz"),
    file("torch-2.5.1-py3-none-any.whl", 10, "superseded"),
    file("torch-legacy.1.0-py3-none-any.whl"),
    file("numpy-2.0.0-cp312-cp312-manylinux_2_17_x86_64.whl"),
    file("index.html"),
};

std::vector<std::string> names(const FileFilter& filter,
                               const std::vector<UpstreamFile>& page = kTorchPage) {
  std::vector<std::string> out;
  for (const SelectedFile& selected : select_files(page, "torch", filter)) {
    out.push_back(page[selected.index].filename);
  }
  return out;
}

FileFilter with_versions(const std::string& versions) {
  FileFilter filter;
  filter.versions = SpecifierSet::parse(versions).value();
  return filter;
}

TEST(PypiFiltersTest, DefaultSelectsEveryReleasedDistributionOfTheProject) {
  EXPECT_THAT(names(FileFilter{}),
              ElementsAre("torch-2.4.0+cu124-cp311-cp311-linux_x86_64.whl",
                          "torch-2.4.0+cu124-cp312-cp312-linux_x86_64.whl",
                          "torch-2.5.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
                          "torch-2.5.0-cp312-cp312-win_amd64.whl",
                          "torch-2.5.0-cp312-none-macosx_11_0_arm64.whl", "torch-2.5.0.tar.gz"));
}

TEST(PypiFiltersTest, WheelTagsSdistsAndSizeCap) {
  FileFilter filter;
  filter.wheel_tags = {"cp312-cp312-manylinux*_x86_64", "cp312-cp312-linux_x86_64"};
  filter.sdists = false;
  EXPECT_THAT(
      names(filter),
      ElementsAre("torch-2.4.0+cu124-cp312-cp312-linux_x86_64.whl",
                  "torch-2.5.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"));
  filter.max_file_size = 1000;  // the 2000-byte wheel goes; unknown sizes are capped at download
  EXPECT_THAT(
      names(filter),
      ElementsAre("torch-2.5.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"));
  filter.wheel_tags = {"py3-none-any"};
  EXPECT_THAT(names(filter), IsEmpty());
}

TEST(PypiFiltersTest, VersionsPreReleasesAndLatest) {
  EXPECT_THAT(names(with_versions("==2.4.0")),
              ElementsAre("torch-2.4.0+cu124-cp311-cp311-linux_x86_64.whl",
                          "torch-2.4.0+cu124-cp312-cp312-linux_x86_64.whl"));
  FileFilter pre;
  pre.prereleases = true;
  pre.latest = 1;
  EXPECT_THAT(names(pre), ElementsAre("torch-2.6.0rc1-cp312-cp312-manylinux_2_28_x86_64.whl"));
  FileFilter latest;
  latest.latest = 1;
  latest.sdists = false;
  EXPECT_THAT(names(latest),
              ElementsAre("torch-2.5.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
                          "torch-2.5.0-cp312-cp312-win_amd64.whl",
                          "torch-2.5.0-cp312-none-macosx_11_0_arm64.whl"));
  // Latest counts versions that still have a file after the other filters.
  latest.wheel_tags = {"cp311-*"};
  EXPECT_THAT(names(latest), ElementsAre("torch-2.4.0+cu124-cp311-cp311-linux_x86_64.whl"));
  latest.wheel_tags = {};
  latest.latest = 2;
  EXPECT_EQ(names(latest).size(), 5u);
}

TEST(PypiFiltersTest, YankedFilesOnlyWhenPinned) {
  EXPECT_THAT(names(with_versions(">=2.5.1")), IsEmpty());
  EXPECT_THAT(names(with_versions("==2.5.1")), ElementsAre("torch-2.5.1-py3-none-any.whl"));
  EXPECT_TRUE(pins_exact_version(SpecifierSet::parse("===2.5.1").value()));
  EXPECT_FALSE(pins_exact_version(SpecifierSet::parse("==2.5.*").value()));
}

TEST(PypiFiltersTest, WheelTagMatchingUsesEveryExpandedTag) {
  const auto wheel = parse_dist_filename("six-1.16.0-py2.py3-none-any.whl", "six").value();
  EXPECT_TRUE(wheel_tags_match(wheel, {"py3-none-any"}));
  EXPECT_TRUE(wheel_tags_match(wheel, {"py2-*"}));
  EXPECT_FALSE(wheel_tags_match(wheel, {"cp312-*"}));
}

}  // namespace
}  // namespace mirrord::pypi

namespace mirrord::pypi {
namespace {

// The shipped `torch` catalog entry, applied to file names as download.pytorch.org lists them.
TEST(PypiFiltersTest, TorchCatalogEntrySelectsLinuxCpythonWheelsOfTheNewestRelease) {
  const auto policies = PolicySet::parse_file(std::filesystem::path(MIRRORD_TEST_DATA) / ".." /
                                              ".." / "policies" / "catalog" / "torch.toml");
  ASSERT_TRUE(policies.ok()) << policies.error().message;
  const auto torch = std::find_if(policies->begin(), policies->end(),
                                  [](const Policy& policy) { return policy.name == "torch"; });
  ASSERT_NE(torch, policies->end());
  EXPECT_EQ(torch->source, "pypi");
  EXPECT_EQ(torch->pypi.index, "https://download.pytorch.org/whl/cu128/");
  EXPECT_TRUE(torch->pypi.dependencies);
  const FileFilter filter = FileFilter::from_target(torch->pypi).value();
  const std::vector<UpstreamFile> page = {
      file("torch-2.7.1+cu128-cp312-cp312-manylinux_2_28_x86_64.whl"),
      file("torch-2.8.0+cu128-cp311-cp311-manylinux_2_28_x86_64.whl"),
      file("torch-2.8.0+cu128-cp312-cp312-manylinux_2_28_x86_64.whl"),
      file("torch-2.8.0+cu128-cp313-cp313t-manylinux_2_28_x86_64.whl"),
      file("torch-2.8.0+cu128-cp312-cp312-manylinux_2_28_aarch64.whl"),
      file("torch-2.8.0+cu128-cp312-cp312-win_amd64.whl"),
      file("torch-2.9.0.dev20250801+cu128-cp312-cp312-manylinux_2_28_x86_64.whl"),
  };
  EXPECT_THAT(names(filter, page),
              ElementsAre("torch-2.8.0+cu128-cp311-cp311-manylinux_2_28_x86_64.whl",
                          "torch-2.8.0+cu128-cp312-cp312-manylinux_2_28_x86_64.whl",
                          "torch-2.8.0+cu128-cp313-cp313t-manylinux_2_28_x86_64.whl"));
  // What its wheels require comes under the same tags.
  for (const auto& [project, filename] : std::vector<std::pair<std::string, std::string>>{
           {"nvidia-cublas-cu12", "nvidia_cublas_cu12-12.8.4.1-py3-none-manylinux_2_27_x86_64.whl"},
           {"triton", "triton-3.4.0-cp312-cp312-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl"},
           {"markupsafe",
            "MarkupSafe-3.0.2-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"},
           {"sympy", "sympy-1.14.0-py3-none-any.whl"}}) {
    SCOPED_TRACE(filename);
    EXPECT_EQ(select_files({file(filename)}, project, filter).size(), 1u);
  }
  EXPECT_TRUE(select_files({file("sympy-1.14.0.tar.gz")}, "sympy", filter).empty());
}

}  // namespace
}  // namespace mirrord::pypi
