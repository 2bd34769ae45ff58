#include "policies/identifiers.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace mirrord {
namespace {

constexpr std::size_t kMaxRepoPartLength = 96;
constexpr std::size_t kMaxNameLength = 64;
constexpr std::size_t kMaxRevisionLength = 255;

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_id_char(char c) {
  return is_alnum(c) || c == '.' || c == '_' || c == '-';
}

std::string repo_part_problem(std::string_view part, std::string_view what) {
  const std::string label(what);
  if (part.empty()) {
    return label + " is empty";
  }
  if (part.size() > kMaxRepoPartLength) {
    return label + " is longer than 96 characters";
  }
  if (!std::all_of(part.begin(), part.end(), is_id_char)) {
    return label + " may hold only letters, digits, '.', '_' and '-'";
  }
  const auto edge = [](char c) { return c == '.' || c == '-'; };
  if (edge(part.front()) || edge(part.back())) {
    return label + " must not start or end with '.' or '-'";
  }
  return {};
}

}  // namespace

std::string ascii_lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return lower;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Three rolling rows: the swap rule looks two rows back.
  std::vector<std::size_t> before(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    previous[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + substitution});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::string policy_name_problem(std::string_view name) {
  if (name.empty()) {
    return "is empty";
  }
  if (name.size() > kMaxNameLength) {
    return "is longer than 64 characters";
  }
  if (!is_alnum(name.front()) || !std::all_of(name.begin(), name.end(), is_id_char)) {
    return "must start with a letter or digit and hold only letters, digits, '.', '_' and '-'";
  }
  return {};
}

std::string repo_id_problem(std::string_view repo) {
  const std::size_t slash = repo.find('/');
  if (slash == std::string_view::npos || repo.find('/', slash + 1) != std::string_view::npos) {
    return "needs exactly one '/' (ORG/NAME)";
  }
  if (repo.find("..") != std::string_view::npos) {
    return "must not contain \"..\"";
  }
  std::string problem = repo_part_problem(repo.substr(0, slash), "ORG");
  if (problem.empty()) {
    problem = repo_part_problem(repo.substr(slash + 1), "NAME");
  }
  return problem.empty() ? problem : problem + " (expected ORG/NAME)";
}

std::string revision_problem(std::string_view revision) {
  if (revision.empty()) {
    return "is empty (use \"main\", a tag, or a 40-hex commit)";
  }
  if (revision.size() > kMaxRevisionLength) {
    return "is longer than 255 characters";
  }
  const auto bad = [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == '\x7f'; };
  if (std::any_of(revision.begin(), revision.end(), bad)) {
    return "must not contain spaces or control characters";
  }
  if (revision.find("..") != std::string_view::npos) {
    return "must not contain \"..\"";
  }
  return {};
}

bool is_peer_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 &&
         name.find_first_not_of(
             "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
             std::string_view::npos;
}

}  // namespace mirrord
