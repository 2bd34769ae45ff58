// GitTarget's methods and the checks of git URLs and mirror names.
#include <algorithm>
#include <array>

#include "policies/policy.hpp"

namespace mirrord {
namespace {

constexpr std::size_t kMaxNameSegments = 8;
constexpr std::size_t kMaxNameLength = 200;
constexpr std::size_t kMaxUrlLength = 2048;
constexpr std::array<std::string_view, 3> kSchemes = {"https://", "http://", "git://"};
// Segments that would make a request path ambiguous with the git files after a repo name.
constexpr std::array<std::string_view, 2> kReservedSegments = {"info", "objects"};

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_name_char(char c) {
  return is_alnum(c) || c == '.' || c == '_' || c == '-';
}

std::string_view strip_scheme(std::string_view url) {
  for (std::string_view scheme : kSchemes) {
    if (url.starts_with(scheme)) {
      return url.substr(scheme.size());
    }
  }
  return {};
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) {
      return parts;
    }
    start = end + 1;
  }
}

std::string segment_problem(std::string_view segment) {
  if (segment.empty()) {
    return "has an empty segment";
  }
  if (!is_alnum(segment.front()) || !std::all_of(segment.begin(), segment.end(), is_name_char)) {
    return "segment '" + std::string(segment) +
           "' must start with a letter or digit and hold only letters, digits, '.', '_' and '-'";
  }
  if (segment.ends_with(".git")) {
    return "segment '" + std::string(segment) + "' must not end in \".git\"";
  }
  if (std::find(kReservedSegments.begin(), kReservedSegments.end(), segment) !=
      kReservedSegments.end()) {
    return "segment '" + std::string(segment) + "' is reserved";
  }
  return {};
}

std::string sanitized_segment(std::string_view segment) {
  std::string clean(segment);
  std::replace_if(
      clean.begin(), clean.end(), [](char c) { return !is_name_char(c); }, '-');
  return clean;
}

}  // namespace

const std::vector<std::string>& default_git_ref_patterns() {
  static const std::vector<std::string> patterns = {"refs/heads/**", "refs/tags/**"};
  return patterns;
}

std::string GitTarget::mirror_name(const std::string& policy_name) const {
  return name.empty() ? policy_name : name;
}

std::string GitTarget::key(const std::string& policy_name) const {
  return "git:" + mirror_name(policy_name);
}

bool GitTarget::selects_ref(std::string_view ref) const {
  const std::vector<std::string>& patterns = refs.empty() ? default_git_ref_patterns() : refs;
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& pattern) { return glob_match(pattern, ref); });
}

std::string GitTarget::lfs_server_url() const {
  if (!lfs_url.empty()) {
    return lfs_url;
  }
  std::string base = url.starts_with("git://") ? "https://" + url.substr(6) : url;
  while (base.ends_with('/')) {
    base.pop_back();
  }
  return base.ends_with(".git") ? base + "/info/lfs" : base + ".git/info/lfs";
}

std::string git_url_problem(std::string_view url) {
  if (url.size() > kMaxUrlLength) {
    return "is longer than 2048 characters";
  }
  const std::string_view rest = strip_scheme(url);
  if (rest.empty()) {
    return "must start with https://, http:// or git://";
  }
  if (std::any_of(url.begin(), url.end(), [](char c) {
        return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '\\';
      })) {
    return "must not hold whitespace, control characters or '\\'";
  }
  if (url.find_first_of("?#") != std::string_view::npos) {
    return "must not hold a query or fragment";
  }
  const std::size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  if (authority.find('@') != std::string_view::npos) {
    return "must not hold credentials (user@host)";
  }
  if (authority.empty() || authority.front() == ':') {
    return "has no host";
  }
  if (slash == std::string_view::npos || rest.substr(slash + 1).empty()) {
    return "has no repository path";
  }
  for (std::string_view segment : split(rest.substr(slash + 1), '/')) {
    if (segment == "." || segment == "..") {
      return "must not hold '.' or '..' path segments";
    }
  }
  return {};
}

std::string git_mirror_name_problem(std::string_view name) {
  if (name.empty()) {
    return "is empty";
  }
  if (name.size() > kMaxNameLength) {
    return "is longer than 200 characters";
  }
  const std::vector<std::string_view> segments = split(name, '/');
  if (segments.size() > kMaxNameSegments) {
    return "has more than 8 segments";
  }
  for (std::string_view segment : segments) {
    if (std::string problem = segment_problem(segment); !problem.empty()) {
      return problem;
    }
  }
  return {};
}

std::string git_mirror_name_for_url(std::string_view url) {
  if (!git_url_problem(url).empty()) {
    return {};
  }
  const std::string_view rest = strip_scheme(url);
  std::string name;
  for (std::string_view segment : split(rest, '/')) {
    if (segment.empty()) {
      continue;
    }
    name += (name.empty() ? "" : "/") + sanitized_segment(segment);
  }
  if (name.ends_with(".git")) {
    name.resize(name.size() - 4);
  }
  return git_mirror_name_problem(name).empty() ? name : std::string();
}

}  // namespace mirrord
