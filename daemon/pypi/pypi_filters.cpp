#include "daemon/pypi/pypi_filters.hpp"

#include <algorithm>

#include "policies/policy.hpp"

namespace mirrord::pypi {
namespace {

using Op = VersionSpecifier::Op;

bool passes_file_filters(const UpstreamFile& file, const DistFilename& dist,
                         const FileFilter& filter, bool yank_allowed) {
  if (!dist.version) {
    return false;
  }
  if (dist.kind == DistKind::kSdist && !filter.sdists) {
    return false;
  }
  if (dist.kind == DistKind::kWheel && !filter.wheel_tags.empty() &&
      !wheel_tags_match(dist, filter.wheel_tags)) {
    return false;
  }
  if (filter.max_file_size != 0 && file.size && *file.size > filter.max_file_size) {
    return false;
  }
  if (file.yanked && !yank_allowed) {
    return false;
  }
  return filter.versions.contains(*dist.version, filter.prereleases);
}

}  // namespace

Result<FileFilter> FileFilter::from_target(const PypiTarget& target) {
  FileFilter filter;
  MIRRORD_TRY_ASSIGN(filter.versions, SpecifierSet::parse(target.versions));
  filter.prereleases = target.prereleases;
  filter.latest = target.latest;
  filter.wheel_tags = target.wheel_tags;
  filter.sdists = target.sdists;
  filter.max_file_size = target.max_file_size;
  return filter;
}

bool wheel_tags_match(const DistFilename& wheel, const std::vector<std::string>& patterns) {
  return std::any_of(wheel.tags.begin(), wheel.tags.end(), [&](const WheelTag& tag) {
    const std::string text = tag.str();
    return std::any_of(patterns.begin(), patterns.end(),
                       [&](const std::string& pattern) { return glob_match(pattern, text); });
  });
}

bool pins_exact_version(const SpecifierSet& versions) {
  return std::any_of(
      versions.specifiers().begin(), versions.specifiers().end(), [](const VersionSpecifier& spec) {
        return spec.op == Op::kArbitrary || (spec.op == Op::kEqual && !spec.wildcard);
      });
}

std::vector<SelectedFile> select_files(const std::vector<UpstreamFile>& files,
                                       std::string_view project, const FileFilter& filter) {
  const bool yank_allowed = pins_exact_version(filter.versions);
  std::vector<SelectedFile> selected;
  for (std::size_t i = 0; i < files.size(); ++i) {
    std::optional<DistFilename> dist = parse_dist_filename(files[i].filename, project);
    if (dist && passes_file_filters(files[i], *dist, filter, yank_allowed)) {
      selected.push_back(SelectedFile{i, std::move(*dist)});
    }
  }
  if (filter.latest <= 0) {
    return selected;
  }
  // The distinct versions, newest first; 2.0 and 2.0.0 are one version.
  std::vector<Pep440Version> versions;
  for (const SelectedFile& file : selected) {
    const Pep440Version& version = *file.dist.version;
    if (std::none_of(versions.begin(), versions.end(), [&](const Pep440Version& known) {
          return compare_versions(known, version) == 0;
        })) {
      versions.push_back(version);
    }
  }
  std::sort(versions.begin(), versions.end(),
            [](const auto& a, const auto& b) { return compare_versions(a, b) > 0; });
  versions.resize(std::min<std::size_t>(versions.size(), static_cast<std::size_t>(filter.latest)));
  std::erase_if(selected, [&](const SelectedFile& file) {
    return std::none_of(versions.begin(), versions.end(), [&](const Pep440Version& kept) {
      return compare_versions(kept, *file.dist.version) == 0;
    });
  });
  return selected;
}

}  // namespace mirrord::pypi
