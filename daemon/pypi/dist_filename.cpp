#include "daemon/pypi/dist_filename.hpp"

#include <algorithm>
#include <array>

#include "policies/pypi_names.hpp"

namespace mirrord::pypi {
namespace {

constexpr std::size_t kMaxFilenameLength = 255;
// Compressed tag sets stay small in practice (a handful each); a product beyond this is hostile.
constexpr std::size_t kMaxExpandedTags = 1024;

constexpr std::array<std::string_view, 5> kSdistExtensions = {".tar.gz", ".zip", ".tar.bz2",
                                                              ".tar.xz", ".tgz"};

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t at = text.find(separator, start);
    parts.push_back(text.substr(start, at == std::string_view::npos ? at : at - start));
    if (at == std::string_view::npos) {
      return parts;
    }
    start = at + 1;
  }
}

bool all_non_empty(const std::vector<std::string_view>& parts) {
  return std::none_of(parts.begin(), parts.end(), [](std::string_view p) { return p.empty(); });
}

std::optional<std::vector<WheelTag>> expand_tags(std::string_view python, std::string_view abi,
                                                 std::string_view platform) {
  const auto pythons = split(python, '.');
  const auto abis = split(abi, '.');
  const auto platforms = split(platform, '.');
  if (!all_non_empty(pythons) || !all_non_empty(abis) || !all_non_empty(platforms) ||
      pythons.size() * abis.size() * platforms.size() > kMaxExpandedTags) {
    return std::nullopt;
  }
  std::vector<WheelTag> tags;
  for (const auto p : pythons) {
    for (const auto a : abis) {
      for (const auto f : platforms) {
        tags.push_back(WheelTag{std::string(p), std::string(a), std::string(f)});
      }
    }
  }
  return tags;
}

std::optional<DistFilename> parse_wheel(std::string_view stem, std::string_view project) {
  const auto parts = split(stem, '-');
  if ((parts.size() != 5 && parts.size() != 6) || !all_non_empty(parts)) {
    return std::nullopt;
  }
  DistFilename wheel;
  wheel.kind = DistKind::kWheel;
  wheel.distribution = std::string(parts[0]);
  if (normalize_project_name(wheel.distribution) != project) {
    return std::nullopt;
  }
  wheel.version_text = std::string(parts[1]);
  if (parts.size() == 6) {
    wheel.build = std::string(parts[2]);
    if (wheel.build.front() < '0' || wheel.build.front() > '9') {
      return std::nullopt;  // the wheel spec: a build tag starts with a digit
    }
  }
  const std::size_t tag_start = parts.size() - 3;
  auto tags = expand_tags(parts[tag_start], parts[tag_start + 1], parts[tag_start + 2]);
  if (!tags) {
    return std::nullopt;
  }
  wheel.tags = std::move(*tags);
  wheel.version = Pep440Version::parse(wheel.version_text);
  return wheel;
}

std::optional<DistFilename> parse_sdist(std::string_view stem, std::string_view project) {
  // The name may itself hold '-' ("foo-bar-1.0"): the split is where the name part normalizes
  // to the project.
  for (std::size_t dash = stem.find('-'); dash != std::string_view::npos;
       dash = stem.find('-', dash + 1)) {
    if (normalize_project_name(stem.substr(0, dash)) != project) {
      continue;
    }
    DistFilename sdist;
    sdist.kind = DistKind::kSdist;
    sdist.distribution = std::string(stem.substr(0, dash));
    sdist.version_text = std::string(stem.substr(dash + 1));
    if (sdist.version_text.empty()) {
      return std::nullopt;
    }
    sdist.version = Pep440Version::parse(sdist.version_text);
    return sdist;
  }
  return std::nullopt;
}

}  // namespace

std::string filename_problem(std::string_view filename) {
  if (filename.empty() || filename.size() > kMaxFilenameLength) {
    return "is empty or longer than 255 bytes";
  }
  if (filename.front() == '.') {
    return "starts with '.'";
  }
  const bool allowed = std::all_of(filename.begin(), filename.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-' || c == '+' || c == '!' || c == '~';
  });
  return allowed ? std::string() : "holds characters other than letters, digits and \"._-+!~\"";
}

std::optional<DistFilename> parse_dist_filename(std::string_view filename,
                                                std::string_view project) {
  if (!filename_problem(filename).empty()) {
    return std::nullopt;
  }
  if (filename.ends_with(".whl")) {
    return parse_wheel(filename.substr(0, filename.size() - 4), project);
  }
  for (const std::string_view extension : kSdistExtensions) {
    if (filename.ends_with(extension)) {
      return parse_sdist(filename.substr(0, filename.size() - extension.size()), project);
    }
  }
  return std::nullopt;
}

}  // namespace mirrord::pypi
