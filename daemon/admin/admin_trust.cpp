#include "daemon/admin/admin_trust.hpp"

#include <charconv>

#include <nlohmann/json.hpp>

#include "daemon/trust/mirror_keys.hpp"
#include "daemon/trust/release.hpp"
#include "daemon/trust/scrub.hpp"
#include "policies/inspect/signing_key.hpp"
#include "storage/file_system.hpp"

namespace mirrord {
namespace {

using nlohmann::json;

http::Response answer_error(int status, const std::string& message) {
  return http::json_response(status, json{{"error", message}}.dump());
}

http::Response from_error(const Error& error) {
  const int status = error.code == ErrorCode::kNotFound       ? 404
                     : error.code == ErrorCode::kInvalidInput ? 400
                     : error.code == ErrorCode::kConflict     ? 409
                                                              : 500;
  return answer_error(status, error.message);
}

json quarantine_json(const QuarantineEntry& entry) {
  return json{{"id", entry.id},
              {"kind", entry.repo.kind},
              {"repo", entry.repo.name},
              {"commit", entry.commit},
              {"path", entry.file.path},
              {"size", entry.file.size},
              {"sha256", entry.file.sha256.hex()},
              {"reason", entry.reason},
              {"created_at", entry.created_at},
              {"released_at", entry.released_at},
              {"release_reason", entry.release_reason}};
}

struct ShowTarget {
  RepoKey repo;
  std::string revision;
};

// A policy name, alias or hf: target, else "ORG/NAME[@REV]" naming a mirrored model directly.
Result<ShowTarget> resolve_target(const AdminTrustDeps& deps, const std::string& target) {
  auto policy = deps.policies->resolve(target);
  if (policy && policy->source == "hf") {
    return ShowTarget{{policy->hf.repo_type, policy->hf.repo}, policy->hf.revision};
  }
  const std::size_t at = target.find('@');
  const std::string name = target.substr(0, at);
  if (name.find('/') == std::string::npos) {
    return policy ? Error{ErrorCode::kInvalidInput, target + " is not a Hugging Face policy"}
                  : policy.error();
  }
  return ShowTarget{{"model", name}, at == std::string::npos ? "main" : target.substr(at + 1)};
}

http::Response show(const AdminTrustDeps& deps, const http::Request& request) {
  const auto query = http::parse_query(request.query);
  std::string target;
  for (const auto& [key, value] : query.value_or(decltype(query)::value_type{})) {
    if (key == "target")
      target = value;
  }
  if (target.empty()) {
    return answer_error(400, "show needs ?target=NAME");
  }
  auto resolved = resolve_target(deps, target);
  if (!resolved)
    return from_error(resolved.error());
  std::string commit = resolved->revision;
  if (commit.size() != 40) {
    auto ref = deps.catalog->resolve_ref(resolved->repo, resolved->revision);
    if (!ref)
      return from_error(ref.error());
    if (!*ref) {
      return answer_error(
          404, resolved->repo.name + "@" + resolved->revision + " is not mirrored; pull it first");
    }
    commit = **ref;
  }
  auto snapshot = deps.catalog->find_snapshot(resolved->repo, commit);
  if (!snapshot)
    return from_error(snapshot.error());
  if (!*snapshot)
    return answer_error(404, "no snapshot of " + resolved->repo.name + " at " + commit);
  auto trust = deps.catalog->snapshot_trust((*snapshot)->id);
  if (!trust)
    return from_error(trust.error());
  json verdict = json::parse(trust->verdict_json, nullptr, false);
  const json manifest = json::parse(trust->manifest, nullptr, false);
  return http::json_response(
      200, json{{"kind", resolved->repo.kind},
                {"repo", resolved->repo.name},
                {"revision", resolved->revision},
                {"commit", commit},
                {"published_at", (*snapshot)->published_at},
                {"files", (*snapshot)->file_count},
                {"bytes", (*snapshot)->total_bytes},
                {"verdict", verdict.is_discarded() ? json::object() : verdict},
                {"manifest",
                 {{"signed", !trust->manifest.empty()},
                  {"key_id", manifest.is_object() ? manifest.value("key_id", "") : ""}}}}
               .dump());
}

http::Response quarantine_list(const AdminTrustDeps& deps, const http::Request& request) {
  const bool all = request.query == "all=1" || request.query == "all=true";
  auto entries = deps.catalog->list_quarantine(all);
  if (!entries)
    return from_error(entries.error());
  json list = json::array();
  for (const auto& entry : *entries)
    list.push_back(quarantine_json(entry));
  return http::json_response(200, json{{"quarantine", list}}.dump());
}

http::Response quarantine_release(const AdminTrustDeps& deps, const std::string& id_text,
                                  const http::Request& request) {
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
  if (ec != std::errc() || end != id_text.data() + id_text.size()) {
    return answer_error(400, "the quarantine id must be a number");
  }
  const json body = json::parse(request.body, nullptr, false);
  if (!body.is_object() || !body.contains("reason") || !body["reason"].is_string() ||
      body["reason"].get<std::string>().empty()) {
    return answer_error(400, R"(the body must be {"reason": "why this file may be published"})");
  }
  auto released = release_quarantined(*deps.catalog, id, body["reason"].get<std::string>(),
                                      manifest_key_path(deps.storage_root));
  if (!released)
    return from_error(released.error());
  return http::json_response(200, json{{"entry", quarantine_json(*released)}}.dump());
}

http::Response verify(const AdminTrustDeps& deps, const http::Request& request) {
  const json body =
      request.body.empty() ? json::object() : json::parse(request.body, nullptr, false);
  if (!body.is_object()) {
    return answer_error(400, R"(the body must be {} or {"target": "NAME"})");
  }
  std::optional<RepoKey> repo;
  std::string target = "all";
  if (body.contains("target") && body["target"].is_string()) {
    target = body["target"].get<std::string>();
    auto resolved = resolve_target(deps, target);
    if (!resolved)
      return from_error(resolved.error());
    repo = resolved->repo;
  }
  auto store = make_local_blob_store(deps.storage_root, make_posix_file_system());
  if (!store)
    return from_error(store.error());
  auto submitted = deps.jobs->submit(
      "verify " + target, "verify:" + (repo ? repo->kind + ":" + repo->name : std::string("all")),
      make_scrub_work(deps.catalog, *store, manifest_key_path(deps.storage_root), repo));
  if (!submitted)
    return from_error(submitted.error());
  const JobRecord& job = submitted->job;
  return http::json_response(202, json{{"job",
                                        {{"id", job.id},
                                         {"target", job.target},
                                         {"key", job.key},
                                         {"state", to_string(job.state)}}},
                                       {"joined", submitted->joined}}
                                      .dump());
}

http::Response manifest_key(const AdminTrustDeps& deps) {
  const auto path = manifest_key_path(deps.storage_root);
  auto key = SigningKey::load_or_create(path);
  if (!key)
    return from_error(key.error());
  return http::json_response(200, json{{"key_id", key->key_id()},
                                       {"public_key", key->public_pem()},
                                       {"algorithm", "ed25519"},
                                       {"path", path.string()}}
                                      .dump());
}

}  // namespace

std::optional<http::Response> handle_trust_request(const AdminTrustDeps& deps,
                                                   const http::Request& request) {
  const std::string& path = request.path;
  const bool get = request.method == "GET";
  const bool post = request.method == "POST";
  if (path == "/v1/show")
    return get ? show(deps, request) : answer_error(405, "method not allowed");
  if (path == "/v1/quarantine") {
    return get ? quarantine_list(deps, request) : answer_error(405, "method not allowed");
  }
  constexpr std::string_view kRelease = "/release";
  if (path.starts_with("/v1/quarantine/") && path.ends_with(kRelease)) {
    const std::string id = path.substr(15, path.size() - 15 - kRelease.size());
    return post ? quarantine_release(deps, id, request) : answer_error(405, "method not allowed");
  }
  if (path == "/v1/verify")
    return post ? verify(deps, request) : answer_error(405, "method not allowed");
  if (path == "/v1/keys/manifest")
    return get ? manifest_key(deps) : answer_error(405, "method not allowed");
  return std::nullopt;
}

}  // namespace mirrord
