#include "daemon/replica/record_checks.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace mirrord::replica {
namespace {

bool is_control(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7f;
}

bool is_token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

}  // namespace

std::optional<std::string> check_repo_kind(std::string_view kind) {
  if (kind == "model" || kind == "dataset" || kind == "space" || kind == "pypi" || kind == "apt" ||
      kind == "git") {
    return std::nullopt;
  }
  return "unknown repo kind '" + std::string(kind) + "'";
}

std::optional<std::string> check_repo_name(std::string_view name) {
  if (name.empty() || name.size() > 512) {
    return "repo name must be 1 to 512 bytes";
  }
  if (auto bad = check_file_path(name)) {
    return "repo name: " + *bad;
  }
  return std::nullopt;
}

std::optional<std::string> check_commit(std::string_view commit) {
  if (commit.empty() || commit.size() > 128 || commit.front() == '.' ||
      !std::all_of(commit.begin(), commit.end(), is_token_char)) {
    return "commit '" + std::string(commit.substr(0, 140)) +
           "' is not 1 to 128 of [A-Za-z0-9._-] (not starting with '.')";
  }
  return std::nullopt;
}

std::optional<std::string> check_file_path(std::string_view path) {
  if (path.empty() || path.size() > 4096) {
    return "path must be 1 to 4096 bytes";
  }
  if (std::any_of(path.begin(), path.end(), is_control) ||
      path.find('\\') != std::string_view::npos) {
    return "path holds a control character or a backslash";
  }
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    const std::string_view segment = path.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..") {
      return "path '" + std::string(path.substr(0, 200)) +
             "' is absolute or holds an empty, '.' or '..' segment";
    }
    if (end == path.size()) {
      return std::nullopt;
    }
    start = end + 1;
  }
}

std::optional<std::string> check_ref(std::string_view ref) {
  const auto allowed = [](char c) { return is_token_char(c) || c == '/' || c == '+'; };
  if (ref.empty() || ref.size() > 255 || !std::all_of(ref.begin(), ref.end(), allowed)) {
    return "ref '" + std::string(ref.substr(0, 260)) + "' is not 1 to 255 of [A-Za-z0-9._/+-]";
  }
  if (auto bad = check_file_path(ref)) {
    return "ref: " + *bad;
  }
  return std::nullopt;
}

std::optional<std::string> check_size(std::uint64_t size) {
  if (size > kMaxBlobSize) {
    return "size " + std::to_string(size) + " is over 1 PiB";
  }
  return std::nullopt;
}

std::optional<std::string> check_json_object_text(std::string_view text) {
  if (text.size() > kMaxTextField) {
    return "text over 64 MiB";
  }
  const auto parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return "not a JSON object";
  }
  return std::nullopt;
}

}  // namespace mirrord::replica
