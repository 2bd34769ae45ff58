// Distribution filenames: wheels ({name}-{version}(-{build})?-{python}-{abi}-{platform}.whl, with
// compressed tag sets such as "py2.py3" or "manylinux_2_17_x86_64.manylinux2014_x86_64") and
// sdists ({name}-{version}.tar.gz and the legacy .zip/.tar.bz2/.tar.xz/.tgz forms).
//
// A file only counts as a distribution of a project when the name in it normalizes to that
// project: an index page that lists another project's files does not smuggle them in.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policies/pypi_version.hpp"

namespace mirrord::pypi {

struct WheelTag {
  std::string python;
  std::string abi;
  std::string platform;
  std::string str() const { return python + "-" + abi + "-" + platform; }
};

enum class DistKind { kWheel, kSdist };

struct DistFilename {
  DistKind kind = DistKind::kWheel;
  std::string distribution;              // the name as written in the filename
  std::string version_text;              // as written
  std::optional<Pep440Version> version;  // nullopt for versions PEP 440 cannot read
  std::string build;                     // wheel build tag, may be empty
  std::vector<WheelTag> tags;            // wheels: every (python, abi, platform) expanded
};

// Empty when `filename` is safe to use as the last segment of a served URL and as a catalog path
// (letters, digits and "._-+!~", at most 255 bytes, not starting with '.'); else the problem.
std::string filename_problem(std::string_view filename);

// Parses `filename` as a distribution of the project whose normalized name is `project`.
// nullopt for other projects' files, unknown file types, and malformed names.
std::optional<DistFilename> parse_dist_filename(std::string_view filename,
                                                std::string_view project);

}  // namespace mirrord::pypi
