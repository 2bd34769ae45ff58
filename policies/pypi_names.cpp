#include "policies/pypi_names.hpp"

#include <algorithm>

namespace mirrord {
namespace {

// Longer than any name on PyPI; a bound so that hostile input cannot make huge catalog names.
constexpr std::size_t kMaxProjectNameLength = 128;

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool is_separator(char c) {
  return c == '-' || c == '_' || c == '.';
}

}  // namespace

std::string normalize_project_name(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  bool in_separator_run = false;
  for (const char c : name) {
    if (is_separator(c)) {
      if (!in_separator_run) {
        out.push_back('-');
      }
      in_separator_run = true;
      continue;
    }
    in_separator_run = false;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

std::string project_name_problem(std::string_view name) {
  if (name.empty()) {
    return "is empty";
  }
  if (name.size() > kMaxProjectNameLength) {
    return "is longer than 128 characters";
  }
  if (!std::all_of(name.begin(), name.end(),
                   [](char c) { return is_alnum(c) || is_separator(c); })) {
    return "may hold only ASCII letters, digits, '-', '_' and '.'";
  }
  if (!is_alnum(name.front()) || !is_alnum(name.back())) {
    return "must start and end with a letter or digit";
  }
  return {};
}

}  // namespace mirrord
