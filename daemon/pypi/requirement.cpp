#include "daemon/pypi/requirement.hpp"

#include "policies/pypi_names.hpp"

namespace mirrord::pypi {
namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (is_space(text.back()) || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

// Whether the marker expression uses the `extra` variable (as a whole word, outside quotes).
bool mentions_extra(std::string_view marker) {
  char quote = 0;
  for (std::size_t i = 0; i < marker.size(); ++i) {
    const char c = marker[i];
    if (quote != 0) {
      quote = c == quote ? 0 : quote;
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
      continue;
    }
    const bool word_start = i == 0 || !is_name_char(marker[i - 1]);
    if (word_start && marker.substr(i, 5) == "extra" &&
        (i + 5 == marker.size() || !is_name_char(marker[i + 5]))) {
      return true;
    }
  }
  return false;
}

std::string without_spaces(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (!is_space(c)) {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::optional<Requirement> parse_requirement(std::string_view text) {
  text = trim(text);
  std::size_t pos = 0;
  while (pos < text.size() && is_name_char(text[pos])) {
    ++pos;
  }
  const std::string_view name = text.substr(0, pos);
  if (!project_name_problem(name).empty()) {
    return std::nullopt;
  }
  Requirement requirement;
  requirement.name = normalize_project_name(name);
  std::string_view rest = text.substr(pos);
  const std::size_t semicolon = rest.find(';');
  if (semicolon != std::string_view::npos) {
    requirement.extra_only = mentions_extra(rest.substr(semicolon + 1));
    rest = rest.substr(0, semicolon);
  }
  rest = trim(rest);
  if (rest.starts_with('[')) {  // extras of the dependency itself: its base files are the same
    const std::size_t close = rest.find(']');
    if (close == std::string_view::npos) {
      return std::nullopt;
    }
    rest = trim(rest.substr(close + 1));
  }
  if (rest.starts_with('@')) {
    requirement.url = true;
    return requirement;
  }
  if (rest.starts_with('(')) {
    if (!rest.ends_with(')')) {
      return std::nullopt;
    }
    rest = rest.substr(1, rest.size() - 2);
  }
  requirement.specifiers = without_spaces(rest);
  return requirement;
}

}  // namespace mirrord::pypi
