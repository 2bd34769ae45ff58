// The policy's filters over an upstream project page: which files a sync adds to the mirror.
//
// A file is a candidate when it is a distribution of the project (a wheel, or an sdist when
// `sdists`), its version is PEP 440 and selected by `versions` (pre-releases only when allowed
// or named by a specifier), its wheel tags match `wheel_tags`, it is not larger than
// `max_file_size` when its size is known, and it is not yanked (unless `versions` pins exactly
// that version, as installers do). Then only the files of the newest `latest` versions that
// still have a candidate are kept.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/pypi/dist_filename.hpp"
#include "daemon/pypi/simple_page.hpp"
#include "policies/pypi_target.hpp"
#include "policies/pypi_version.hpp"

namespace mirrord::pypi {

struct FileFilter {
  SpecifierSet versions;
  bool prereleases = false;
  std::int64_t latest = 0;
  std::vector<std::string> wheel_tags;
  bool sdists = true;
  std::uint64_t max_file_size = 0;  // 0: no cap

  // The filter of a policy; `versions` is the target's (already validated by the policy parser).
  static Result<FileFilter> from_target(const PypiTarget& target);
};

struct SelectedFile {
  std::size_t index = 0;  // into the page's files
  DistFilename dist;
};

// Whether any expanded tag "python-abi-platform" of `wheel` matches any pattern (glob syntax).
bool wheel_tags_match(const DistFilename& wheel, const std::vector<std::string>& patterns);

// Whether the specifiers pin one exact version ("==1.2" or "===1.2"), which admits yanked files.
bool pins_exact_version(const SpecifierSet& versions);

std::vector<SelectedFile> select_files(const std::vector<UpstreamFile>& files,
                                       std::string_view project, const FileFilter& filter);

}  // namespace mirrord::pypi
