#include "daemon/admin/admin_replica.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "daemon/admin/admin_json.hpp"
#include "daemon/replica/apt_resign.hpp"
#include "daemon/replica/bundle_export.hpp"
#include "daemon/replica/bundle_import.hpp"
#include "daemon/replica/target_repos.hpp"
#include "daemon/trust/mirror_keys.hpp"

namespace mirrord {
namespace {

using nlohmann::json;

http::Response refusal(int status, const std::string& message) {
  return http::json_response(status, json{{"error", message}}.dump());
}

http::Response refusal(const Error& error) {
  const int status = error.code == ErrorCode::kNotFound       ? 404
                     : error.code == ErrorCode::kInvalidInput ? 400
                     : error.code == ErrorCode::kConflict     ? 409
                                                              : 500;
  return refusal(status, error.message);
}

http::Response accepted(const Result<SubmittedJob>& submitted) {
  if (!submitted) {
    return refusal(submitted.error());
  }
  return http::json_response(
      202, json{{"job", job_json(submitted->job)}, {"joined", submitted->joined}}.dump());
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// An absolute path from the body's `field`; nullopt when absent; an error when not absolute.
Result<std::optional<std::filesystem::path>> path_field(const json& body, const char* field) {
  if (!body.contains(field)) {
    return std::optional<std::filesystem::path>();
  }
  if (!body[field].is_string() ||
      !std::filesystem::path(body[field].get<std::string>()).is_absolute()) {
    return make_error(ErrorCode::kInvalidInput,
                      std::string("\"") + field + "\" must be an absolute path of the daemon");
  }
  return std::optional<std::filesystem::path>(body[field].get<std::string>());
}

Result<std::string> read_pem(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) {
    return make_error(ErrorCode::kInvalidInput, "cannot read key file " + file.string());
  }
  if (!public_key_id(text.str())) {
    return make_error(ErrorCode::kInvalidInput,
                      file.string() + " is not an Ed25519 public key (PEM)");
  }
  return text.str();
}

Result<std::vector<std::string>> trusted_pems(const AdminReplicaDeps& deps,
                                              const std::optional<std::filesystem::path>& key) {
  std::vector<std::filesystem::path> files = deps.trusted_key_files;
  if (key) {
    files.push_back(*key);
  }
  std::vector<std::string> pems;
  for (const auto& file : files) {
    MIRRORD_TRY_ASSIGN(std::string pem, read_pem(file));
    pems.push_back(std::move(pem));
  }
  MIRRORD_TRY_ASSIGN(const SigningKey own,
                     SigningKey::load_or_create(manifest_key_path(deps.storage_root)));
  pems.push_back(own.public_pem());
  return pems;
}

Result<std::vector<RepoKey>> repos_of_targets(const AdminReplicaDeps& deps, const json& targets) {
  std::vector<RepoKey> repos;
  for (const json& target : targets) {
    if (!target.is_string()) {
      return make_error(ErrorCode::kInvalidInput, "every target must be a string");
    }
    MIRRORD_TRY_ASSIGN(const Policy policy, deps.policies->resolve(target.get<std::string>()));
    MIRRORD_TRY_ASSIGN(auto found, replica::repos_of_policy(policy, *deps.catalog));
    for (RepoKey& repo : found) {
      if (std::find(repos.begin(), repos.end(), repo) == repos.end()) {
        repos.push_back(std::move(repo));  // two targets may name one repo: export it once
      }
    }
  }
  return repos;
}

JobWork export_work(const AdminReplicaDeps& deps, replica::ExportRequest request) {
  return [deps, request = std::move(request)](JobContext& job) -> Status {
    MIRRORD_TRY_ASSIGN(const SigningKey key,
                       SigningKey::load_or_create(manifest_key_path(deps.storage_root)));
    replica::ExportProgress progress;
    progress.totals = [&](std::size_t blobs, std::uint64_t bytes) { job.set_totals(blobs, bytes); };
    progress.bytes = [&](std::uint64_t bytes) { job.add_bytes(bytes); };
    progress.blob_done = [&] { job.file_done(); };
    MIRRORD_TRY_ASSIGN(const auto exported,
                       replica::export_bundle(request, *deps.catalog, *deps.store, key,
                                              job.cancel_flag(), progress));
    job.set_commit(exported.bundle_id);
    return {};
  };
}

JobWork import_work(const AdminReplicaDeps& deps, std::filesystem::path from,
                    std::vector<std::string> pems) {
  return [deps, from = std::move(from), pems = std::move(pems)](JobContext& job) -> Status {
    replica::ImportProgress progress;
    progress.totals = [&](std::size_t blobs, std::uint64_t bytes) { job.set_totals(blobs, bytes); };
    progress.apply.bytes = [&](std::uint64_t bytes) { job.add_bytes(bytes); };
    progress.apply.blob_done = [&](const replica::RecordBlob&) { job.file_done(); };
    progress.apply.prepare = replica::apt_resign_step(deps.store, deps.catalog, deps.storage_root);
    MIRRORD_TRY_ASSIGN(const SigningKey key,
                       SigningKey::load_or_create(manifest_key_path(deps.storage_root)));
    MIRRORD_TRY_ASSIGN(const auto imported,
                       replica::import_bundle(from, pems, key, *deps.store, *deps.catalog,
                                              job.cancel_flag(), progress, deps.storage_root));
    job.set_commit(imported.bundle_id);
    return {};
  };
}

http::Response start_export(const AdminReplicaDeps& deps, const json& body) {
  if (!body.is_object() || !body.contains("targets") || !body["targets"].is_array() ||
      body["targets"].empty()) {
    return refusal(400, R"(the body must be {"targets": ["T", ...], "to": "/path"})");
  }
  auto to = path_field(body, "to");
  auto since = to ? path_field(body, "since") : to;
  if (!to || !since || !*to) {
    return refusal(400, !to      ? to.error().message
                        : !since ? since.error().message
                                 : "\"to\" is required");
  }
  auto repos = repos_of_targets(deps, body["targets"]);
  if (!repos) {
    return refusal(repos.error());
  }
  replica::ExportRequest request{std::move(*repos), **to, *since, unix_now()};
  return accepted(deps.jobs->submit("export " + body["targets"].dump() + " to " + (*to)->string(),
                                    "export:" + (*to)->string(), export_work(deps, request)));
}

http::Response start_import(const AdminReplicaDeps& deps, const json& body) {
  if (!body.is_object()) {
    return refusal(400, R"(the body must be {"from": "/path"})");
  }
  auto from = path_field(body, "from");
  auto key = from ? path_field(body, "key") : from;
  if (!from || !key || !*from) {
    return refusal(400, !from  ? from.error().message
                        : !key ? key.error().message
                               : "\"from\" is required");
  }
  auto pems = trusted_pems(deps, *key);
  if (!pems) {
    return refusal(pems.error());
  }
  return accepted(deps.jobs->submit("import " + (*from)->string(), "import:" + (*from)->string(),
                                    import_work(deps, **from, std::move(*pems))));
}

}  // namespace

std::optional<http::Response> handle_replica_request(const AdminReplicaDeps& deps,
                                                     const http::Request& request) {
  if (request.path != "/v1/exports" && request.path != "/v1/imports") {
    return std::nullopt;
  }
  if (request.method != "POST") {
    return refusal(405, "method not allowed");
  }
  const json body = json::parse(request.body, nullptr, false);
  return request.path == "/v1/exports" ? start_export(deps, body) : start_import(deps, body);
}

}  // namespace mirrord
