#include "daemon/admin/admin_api.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <nlohmann/json.hpp>

#include "daemon/admin/admin_json.hpp"
#include "daemon/admin/admin_policies.hpp"
#include "daemon/admin/admin_protection.hpp"
#include "daemon/admin/admin_replica.hpp"
#include "daemon/admin/admin_trust.hpp"
#include "daemon/admin/admin_upstreams.hpp"
#include "daemon/apt/apt_keys_handler.hpp"
#include "policies/policy_description.hpp"

namespace mirrord {
namespace {

using nlohmann::json;

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

json repo_json(const RepoSummary& repo) {
  return json{{"kind", repo.repo.kind},
              {"repo", repo.repo.name},
              {"ref", repo.ref},
              {"commit", repo.commit},
              {"files", repo.file_count},
              {"bytes", repo.total_bytes},
              {"published_at", repo.published_at},
              {"state", repo.state},
              {"pinned", repo.pinned}};
}

http::Response error_response(int status, const std::string& message, json extra = json::object()) {
  extra["error"] = message;
  return http::json_response(status, extra.dump());
}

http::Response from_error(const Error& error) {
  const int status = error.code == ErrorCode::kNotFound       ? 404
                     : error.code == ErrorCode::kInvalidInput ? 400
                     : error.code == ErrorCode::kCancelled    ? 503
                                                              : 500;
  return error_response(status, error.message);
}

class AdminApi {
 public:
  explicit AdminApi(AdminDeps deps) : deps_(std::move(deps)) {}

  http::Response handle(const http::Request& request) const {
    const std::string& path = request.path;
    if (path == "/v1/status") {
      return only_get(request, [&] { return status(); });
    }
    if (path == "/v1/pulls") {
      return request.method == "POST" ? pull(request) : method_not_allowed();
    }
    if (path == "/v1/jobs") {
      return only_get(request, [&] { return jobs(request); });
    }
    if (path.rfind("/v1/jobs/", 0) == 0) {
      return only_get(request, [&] { return job(path.substr(9)); });
    }
    if (path == "/v1/keys/apt") {
      return only_get(request, [&] { return apt_public_key_response(deps_.storage_root); });
    }
    if (path == "/v1/repos") {
      return only_get(request, [&] { return repos(); });
    }
    if (path == "/v1/policies") {
      return only_get(request, [&] { return policies(); });
    }
    if (auto policy = handle_policy_request(deps_.policies->current(), request)) {
      return *policy;
    }
    if (auto upstreams = handle_upstreams_request(deps_.upstreams.get(), request)) {
      return *upstreams;
    }
    if (auto ops = handle_ops_request(deps_.ops, request)) {
      return *ops;
    }
    const AdminProtectionDeps protection{deps_.catalog, deps_.policies};
    if (auto pins = handle_protection_request(protection, request)) {
      return *pins;
    }
    if (auto trust = handle_trust_request(
            AdminTrustDeps{deps_.catalog, deps_.jobs, deps_.policies, deps_.storage_root},
            request)) {
      return path == "/v1/show" ? with_protection(protection, request, std::move(*trust)) : *trust;
    }
    if (auto bundles = handle_replica_request(
            AdminReplicaDeps{deps_.catalog, deps_.ops.store, deps_.jobs, deps_.policies,
                             deps_.storage_root, deps_.import_trusted_keys},
            request)) {
      return *bundles;
    }
    return error_response(404, "no such admin endpoint: " + path);
  }

 private:
  template <class Fn>
  http::Response only_get(const http::Request& request, Fn fn) const {
    return request.method == "GET" ? fn() : method_not_allowed();
  }

  static http::Response method_not_allowed() { return error_response(405, "method not allowed"); }

  http::Response status() const {
    json jobs = json::array();
    for (const auto& job : deps_.jobs->active()) {
      jobs.push_back(job_json(job));
    }
    const json body{{"version", deps_.version},
                    {"started_at", deps_.started_at},
                    {"uptime_s", now_seconds() - deps_.started_at},
                    {"listen", deps_.listen},
                    {"public_url", deps_.public_url},
                    {"storage_root", deps_.storage_root},
                    {"offline", deps_.offline},
                    {"jobs", jobs},
                    {"schedules", json::parse(schedules_json(deps_.ops.scheduler.get()))}};
    return http::json_response(200, body.dump());
  }

  // `"from": "PEER"` pulls the target from [peers.PEER] (README "Federation"); an error answer
  // when the body names no such peer.
  std::optional<http::Response> apply_from(const json& body, Policy& policy) const {
    if (!body.contains("from")) {
      return std::nullopt;
    }
    if (!body["from"].is_string()) {
      return error_response(400, R"("from" must be the name of a peer)");
    }
    const std::string peer = body["from"].get<std::string>();
    if (std::find(deps_.peers.begin(), deps_.peers.end(), peer) == deps_.peers.end()) {
      return error_response(404, "no peer '" + peer + "' in the daemon's config ([peers.NAME])",
                            {{"peers", deps_.peers}});
    }
    policy.upstream_peer = peer;
    return std::nullopt;
  }

  http::Response pull(const http::Request& request) const {
    const json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("target") ||
        !body["target"].is_string()) {
      return error_response(400, R"(the body must be {"target": "NAME"})");
    }
    const std::string target = body["target"].get<std::string>();
    auto policy = deps_.policies->resolve(target);
    if (!policy) {
      if (policy.error().code == ErrorCode::kNotFound) {
        return error_response(404, policy.error().message,
                              {{"suggestions", deps_.policies->close_matches(target)}});
      }
      return from_error(policy.error());
    }
    if (auto refused = apply_from(body, *policy)) {
      return *refused;
    }
    // A pull from a peer is not the same work as one from the policy's own upstream: it joins
    // only another pull from that peer.
    const std::string key =
        policy->key() + (body.contains("from") ? " from peer:" + policy->upstream_peer : "");
    auto submitted = deps_.jobs->submit(target, key, deps_.make_pull_work(*policy));
    if (!submitted) {
      return from_error(submitted.error());
    }
    const json answer{{"job", job_json(submitted->job)}, {"joined", submitted->joined}};
    return http::json_response(202, answer.dump());
  }

  http::Response jobs(const http::Request& request) const {
    bool active_only = false;
    int limit = 50;
    if (auto query = http::parse_query(request.query)) {
      for (const auto& [key, value] : *query) {
        if (key == "active") {
          active_only = value == "1" || value == "true";
        } else if (key == "limit") {
          std::from_chars(value.data(), value.data() + value.size(), limit);
        }
      }
    }
    auto records = deps_.catalog->list_jobs(active_only, std::clamp(limit, 1, 1000));
    if (!records) {
      return from_error(records.error());
    }
    json list = json::array();
    for (const auto& record : *records) {
      // Live counters are fresher than the persisted ones.
      auto live = deps_.jobs->get(record.id);
      list.push_back(job_json(live && *live ? **live : record));
    }
    return http::json_response(200, json{{"jobs", list}}.dump());
  }

  http::Response job(const std::string& id_text) const {
    std::int64_t id = 0;
    auto [ptr, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
    if (ec != std::errc() || ptr != id_text.data() + id_text.size()) {
      return error_response(400, "job id must be a number");
    }
    auto record = deps_.jobs->get(id);
    if (!record) {
      return from_error(record.error());
    }
    if (!*record) {
      return error_response(404, "no job " + id_text);
    }
    return http::json_response(200, json{{"job", job_json(**record)}}.dump());
  }

  http::Response repos() const {
    auto summaries = deps_.catalog->list_repos();
    if (!summaries) {
      return from_error(summaries.error());
    }
    json list = json::array();
    for (const auto& summary : *summaries) {
      list.push_back(repo_json(summary));
    }
    return http::json_response(200, json{{"repos", list}}.dump());
  }

  http::Response policies() const {
    json list = json::array();
    for (const auto& policy : deps_.policies->all()) {
      json entry = describe_policy(policy);
      entry.update(json{{"repo", policy.hf.repo},
                        {"repo_type", policy.hf.repo_type},
                        {"revision", policy.hf.revision}});
      list.push_back(std::move(entry));
    }
    return http::json_response(200, json{{"policies", list}}.dump());
  }

  AdminDeps deps_;
};

}  // namespace

http::Handler make_admin_handler(AdminDeps deps) {
  auto api = std::make_shared<AdminApi>(std::move(deps));
  return [api](const http::Request& request) { return api->handle(request); };
}

}  // namespace mirrord
