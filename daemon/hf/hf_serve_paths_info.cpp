// E3: paths-info (protocols/hf.md §3.3). huggingface_hub posts a form
// (paths=a&paths=b&expand=false); @huggingface/hub posts JSON ({"paths":[...],"expand":true}).
// Paths that do not exist are left out; directories are answered too. Each path is looked up on
// its own (a client may ask for one file of a huge repo); the whole listing is loaded only when a
// path is not a file, to tell whether it is a directory.
#include <memory>
#include <set>
#include <string_view>

#include <nlohmann/json.hpp>

#include "daemon/hf/hf_serve_entries.hpp"
#include "daemon/hf/hf_serve_handlers.hpp"
#include "daemon/hf/hf_serve_json.hpp"

namespace mirrord::hf {
namespace {

bool is_json_body(const http::Request& request) {
  const auto type = request.headers.get("Content-Type");
  return type && type->substr(0, type->find(';')).find("json") != std::string_view::npos;
}

HfResult<std::vector<std::string>> paths_from_json(const std::string& body) {
  const nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
  if (!parsed.is_object() || !parsed.contains("paths")) {
    return bad_request("Expected a JSON object with \"paths\"");
  }
  const nlohmann::json& paths = parsed["paths"];
  if (paths.is_string()) {
    return std::vector<std::string>{paths.get<std::string>()};
  }
  if (!paths.is_array()) {
    return bad_request("\"paths\" must be an array of strings");
  }
  std::vector<std::string> out;
  for (const nlohmann::json& path : paths) {
    if (!path.is_string()) {
      return bad_request("\"paths\" must be an array of strings");
    }
    out.push_back(path.get<std::string>());
  }
  return out;
}

HfResult<std::vector<std::string>> paths_from_form(const std::string& body) {
  auto params = http::parse_query(body);
  if (!params) {
    return bad_request("Malformed form body");
  }
  std::vector<std::string> out;
  for (const auto& [key, value] : *params) {
    if (key == "paths" || key == "paths[]") {
      out.push_back(value);
    }
  }
  return out;
}

// Answers one path after another, loading the listing at most once.
class PathsInfoAnswer {
 public:
  PathsInfoAnswer(const HfCatalogView& catalog, const SnapshotInfo& snapshot)
      : catalog_(catalog), snapshot_(snapshot) {}

  // Adds the entry at `path` to `out` when it exists.
  std::optional<HfError> add(std::string path, nlohmann::json& out) {
    while (!path.empty() && path.back() == '/') {
      path.pop_back();
    }
    if (!is_safe_repo_path(path) || !seen_.insert(path).second) {
      return std::nullopt;
    }
    auto file = catalog_.find_file(snapshot_.id, path);
    if (!file.ok()) {
      return file.error();
    }
    if (file.value()) {
      out.push_back(tree_entry_json(TreeEntry{path, file.value()->git_oid, &*file.value()}));
      return std::nullopt;
    }
    return add_directory(path, out);
  }

 private:
  std::optional<HfError> add_directory(const std::string& path, nlohmann::json& out) {
    if (!tree_) {
      auto tree = catalog_.repo_tree(snapshot_.id);
      if (!tree.ok()) {
        return tree.error();
      }
      tree_ = std::move(tree.value());
    }
    if (const auto entry = tree_->entry(path); entry && entry->is_directory()) {
      out.push_back(tree_entry_json(*entry));
    }
    return std::nullopt;
  }

  const HfCatalogView& catalog_;
  const SnapshotInfo& snapshot_;
  std::set<std::string> seen_;
  std::shared_ptr<const RepoTree> tree_;
};

}  // namespace

http::Response serve_paths_info(const HfServeContext& ctx, const http::Request& request,
                                const HfReading& reading) {
  auto resolved =
      ctx.catalog.resolve(reading.repo, join_segments(reading.tail, 0, reading.tail.size()));
  if (!resolved.ok()) {
    return error_response(request, resolved.error());
  }
  auto paths =
      is_json_body(request) ? paths_from_json(request.body) : paths_from_form(request.body);
  if (!paths.ok()) {
    return error_response(request, paths.error());
  }
  PathsInfoAnswer answer(ctx.catalog, *resolved.value().snapshot);
  nlohmann::json body = nlohmann::json::array();
  for (const std::string& path : paths.value()) {
    if (auto error = answer.add(path, body)) {
      return error_response(request, *error);
    }
  }
  return json_answer(request, body);
}

}  // namespace mirrord::hf
