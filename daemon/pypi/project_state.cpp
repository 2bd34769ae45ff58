#include "daemon/pypi/project_state.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace mirrord::pypi {
namespace {

using Json = nlohmann::json;

Json file_json(const PublishedFile& file) {
  Json out = {{"filename", file.filename},
              {"version", file.version},
              {"sha256", file.sha256.hex()},
              {"size", file.size}};
  if (!file.requires_python.empty()) {
    out["requires_python"] = file.requires_python;
  }
  if (file.yanked) {
    out["yanked"] = *file.yanked;
  }
  if (!file.upload_time.empty()) {
    out["upload_time"] = file.upload_time;
  }
  if (file.core_metadata) {
    out["core_metadata"] = file.core_metadata->hex();
  }
  if (!file.review.empty()) {
    out["review"] = file.review;
  }
  if (file.delisted) {
    out["delisted"] = true;
  }
  if (file.upstream_sha256) {
    out["upstream_sha256"] = file.upstream_sha256->hex();
  }
  return out;
}

std::string text_or_empty(const Json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<Sha256> digest_or_none(const Json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) {
    return std::nullopt;
  }
  return Sha256::from_hex(it->get<std::string>());
}

Result<PublishedFile> file_from_json(const Json& object) {
  if (!object.is_object()) {
    return make_error(ErrorCode::kInternal, "pypi project state: a file is not an object");
  }
  PublishedFile file;
  file.filename = text_or_empty(object, "filename");
  file.version = text_or_empty(object, "version");
  const auto sha256 = digest_or_none(object, "sha256");
  const auto size = object.find("size");
  if (file.filename.empty() || !sha256 || size == object.end() || !size->is_number_unsigned()) {
    return make_error(ErrorCode::kInternal,
                      "pypi project state: a file lacks name, sha256 or size");
  }
  file.sha256 = *sha256;
  file.size = size->get<std::uint64_t>();
  file.requires_python = text_or_empty(object, "requires_python");
  if (const auto yanked = object.find("yanked"); yanked != object.end() && yanked->is_string()) {
    file.yanked = yanked->get<std::string>();
  }
  file.upload_time = text_or_empty(object, "upload_time");
  file.core_metadata = digest_or_none(object, "core_metadata");
  file.review = text_or_empty(object, "review");
  const auto delisted = object.find("delisted");
  file.delisted = delisted != object.end() && delisted->is_boolean() && delisted->get<bool>();
  file.upstream_sha256 = digest_or_none(object, "upstream_sha256");
  return file;
}

}  // namespace

void ProjectState::sort_files() {
  std::sort(files.begin(), files.end(),
            [](const PublishedFile& a, const PublishedFile& b) { return a.filename < b.filename; });
}

const PublishedFile* ProjectState::find(std::string_view filename) const {
  const auto it = std::lower_bound(
      files.begin(), files.end(), filename,
      [](const PublishedFile& file, std::string_view name) { return file.filename < name; });
  return it != files.end() && it->filename == filename ? &*it : nullptr;
}

std::string ProjectState::to_json() const {
  Json list = Json::array();
  for (const PublishedFile& file : files) {
    list.push_back(file_json(file));
  }
  const Json document = {{"project", project}, {"files", std::move(list)}};
  // Upstream text (yank reasons, requires-python) may hold invalid UTF-8: replace, never throw.
  return document.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string ProjectState::commit() const {
  return sha256_of(to_json()).hex();
}

Result<ProjectState> ProjectState::from_json(std::string_view json) {
  const Json document = Json::parse(json.begin(), json.end(), nullptr, false);
  if (document.is_discarded() || !document.is_object() || !document.contains("files") ||
      !document["files"].is_array()) {
    return make_error(ErrorCode::kInternal, "pypi project state is not the expected JSON");
  }
  ProjectState state;
  state.project = text_or_empty(document, "project");
  for (const Json& object : document["files"]) {
    MIRRORD_TRY_ASSIGN(PublishedFile file, file_from_json(object));
    state.files.push_back(std::move(file));
  }
  state.sort_files();
  return state;
}

}  // namespace mirrord::pypi
