#include "policies/inspect/license_finder.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace mirrord {
namespace {

constexpr std::size_t kMaxFrontMatter = 64 * 1024;

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = text.find_last_not_of(" \t\r");
  std::string out(text.substr(first, last - first + 1));
  if (out.size() >= 2 && (out.front() == '"' || out.front() == '\'') && out.back() == out.front()) {
    out = out.substr(1, out.size() - 2);
  }
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::vector<std::string> split_inline_list(std::string_view text) {
  std::vector<std::string> ids;
  text = text.substr(1, text.size() - 2);  // without [ ]
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    if (std::string id = trimmed(text.substr(start, comma - start)); !id.empty()) {
      ids.push_back(std::move(id));
    }
    start = comma + 1;
  }
  return ids;
}

}  // namespace

std::optional<FoundLicense> license_from_info(std::string_view info_json) {
  const auto info = nlohmann::json::parse(info_json, nullptr, /*allow_exceptions=*/false);
  if (!info.is_object()) {
    return std::nullopt;
  }
  if (const auto license = info.find("license"); license != info.end() && license->is_string()) {
    return FoundLicense{{trimmed(license->get<std::string>())}, "repo metadata"};
  }
  FoundLicense found{{}, "repo metadata"};
  if (const auto tags = info.find("tags"); tags != info.end() && tags->is_array()) {
    for (const auto& tag : *tags) {
      if (tag.is_string() && tag.get<std::string>().starts_with("license:")) {
        found.ids.push_back(trimmed(tag.get<std::string>().substr(8)));
      }
    }
  }
  return found.ids.empty() ? std::nullopt : std::optional(found);
}

std::optional<FoundLicense> license_from_card(std::string_view readme) {
  if (!readme.starts_with("---\n") && !readme.starts_with("---\r\n")) {
    return std::nullopt;
  }
  const std::size_t end = readme.find("\n---", 3);
  if (end == std::string_view::npos || end > kMaxFrontMatter) {
    return std::nullopt;
  }
  const std::string_view front = readme.substr(readme.find('\n') + 1, end - readme.find('\n'));
  FoundLicense found{{}, "model card"};
  bool in_list = false;
  std::size_t start = 0;
  while (start < front.size()) {
    const std::size_t newline = std::min(front.find('\n', start), front.size());
    const std::string_view line = front.substr(start, newline - start);
    start = newline + 1;
    if (in_list && line.find_first_not_of(" \t") != std::string_view::npos &&
        line[line.find_first_not_of(" \t")] == '-') {
      found.ids.push_back(trimmed(line.substr(line.find('-') + 1)));
      continue;
    }
    in_list = false;
    if (!line.starts_with("license:")) {
      continue;  // only the top-level key, not license_name or license_link
    }
    const std::string value = trimmed(line.substr(8));
    if (value.empty()) {
      in_list = true;
    } else if (value.front() == '[' && value.back() == ']') {
      found.ids = split_inline_list(value);
    } else {
      found.ids.push_back(value);
    }
  }
  return found.ids.empty() ? std::nullopt : std::optional(found);
}

}  // namespace mirrord
