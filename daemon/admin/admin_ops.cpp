#include "daemon/admin/admin_ops.hpp"

#include <nlohmann/json.hpp>

#include "daemon/admin/admin_json.hpp"
#include "daemon/maintenance.hpp"

namespace mirrord {
namespace {

using nlohmann::json;

http::Response error_response(int status, const std::string& message, json extra = {}) {
  if (!extra.is_object()) {
    extra = json::object();
  }
  extra["error"] = message;
  return http::json_response(status, extra.dump());
}

int status_of(const Error& error) {
  switch (error.code) {
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kInvalidInput:
      return 400;
    case ErrorCode::kCancelled:
      return 503;
    default:
      return 500;
  }
}

class OpsApi {
 public:
  explicit OpsApi(const AdminOpsDeps& deps) : deps_(deps) {}

  std::optional<http::Response> handle(const http::Request& request) const {
    if (request.path == "/v1/syncs") {
      return request.method == "POST" ? sync(request) : method_not_allowed();
    }
    if (request.path == "/v1/schedules") {
      return request.method == "GET"
                 ? http::json_response(
                       200, "{\"schedules\":" + schedules_json(deps_.scheduler.get()) + "}")
                 : method_not_allowed();
    }
    if (request.path == "/v1/gc") {
      return request.method == "POST" ? gc(request) : method_not_allowed();
    }
    return std::nullopt;
  }

 private:
  static http::Response method_not_allowed() { return error_response(405, "method not allowed"); }

  static std::optional<json> object_body(const http::Request& request) {
    if (request.body.empty()) {
      return json::object();
    }
    json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      return std::nullopt;
    }
    return body;
  }

  // Submits a sync of one policy; a running one is joined (never two at once).
  Result<SubmittedJob> submit(const Policy& policy) const {
    MIRRORD_TRY_ASSIGN(SubmittedJob submitted,
                       deps_.jobs->submit(policy.name, policy.key(), deps_.make_pull_work(policy)));
    if (deps_.scheduler && deps_.scheduler->has(policy.name)) {
      deps_.scheduler->note_run(policy.name, submitted.job.id);
    }
    return submitted;
  }

  http::Response sync(const http::Request& request) const {
    const auto body = object_body(request);
    if (!body || (body->contains("target") && !(*body)["target"].is_string())) {
      return error_response(400, R"(the body must be {"target": "NAME"} or {})");
    }
    if (body->contains("target")) {
      return sync_one((*body)["target"].get<std::string>());
    }
    json jobs = json::array();
    const std::vector<std::string> names =
        deps_.scheduler ? deps_.scheduler->names() : std::vector<std::string>();
    for (const std::string& name : names) {
      auto policy = deps_.policies->resolve(name);
      auto submitted = policy ? submit(*policy) : Result<SubmittedJob>(policy.error());
      if (!submitted) {
        return error_response(status_of(submitted.error()),
                              name + ": " + submitted.error().message);
      }
      jobs.push_back(json{{"job", job_json(submitted->job)}, {"joined", submitted->joined}});
    }
    return http::json_response(202, json{{"jobs", jobs}}.dump());
  }

  http::Response sync_one(const std::string& target) const {
    auto policy = deps_.policies->resolve(target);
    if (!policy) {
      if (policy.error().code == ErrorCode::kNotFound) {
        return error_response(404, policy.error().message,
                              {{"suggestions", deps_.policies->close_matches(target)}});
      }
      return error_response(status_of(policy.error()), policy.error().message);
    }
    auto submitted = submit(*policy);
    if (!submitted) {
      return error_response(status_of(submitted.error()), submitted.error().message);
    }
    return http::json_response(
        202, json{{"job", job_json(submitted->job)}, {"joined", submitted->joined}}.dump());
  }

  http::Response gc(const http::Request& request) const {
    const auto body = object_body(request);
    if (!body || (body->contains("dry_run") && !(*body)["dry_run"].is_boolean())) {
      return error_response(400, R"(the body must be {"dry_run": true|false} or {})");
    }
    const bool dry_run = body->value("dry_run", false);
    const std::int64_t cutoff = deps_.clock->now() - deps_.gc_grace_period;
    auto report = run_gc(*deps_.catalog, *deps_.store, deps_.policies->all(), cutoff, dry_run);
    if (!report) {
      return error_response(status_of(report.error()), report.error().message);
    }
    json blobs = json::array();
    for (const GcBlob& blob : report->collected.blobs) {
      blobs.push_back(json{{"sha256", blob.sha256.hex()}, {"size", blob.size}});
    }
    json unpublished = json::array();
    for (const UnpublishedSnapshot& snapshot : report->collected.unpublished) {
      unpublished.push_back(
          json{{"kind", snapshot.kind}, {"repo", snapshot.name}, {"commit", snapshot.commit}});
    }
    const json answer{{"dry_run", dry_run},
                      {"blob_count", report->collected.blobs.size()},
                      {"bytes", report->bytes},
                      {"grace_period_s", deps_.gc_grace_period},
                      {"blobs", blobs},
                      {"unpublished", unpublished},
                      {"errors", report->collected.errors}};
    return http::json_response(200, answer.dump());
  }

  const AdminOpsDeps& deps_;
};

}  // namespace

std::string schedules_json(const Scheduler* scheduler) {
  json list = json::array();
  if (scheduler != nullptr) {
    for (const ScheduleStatus& status : scheduler->status()) {
      list.push_back(json{{"target", status.target},
                          {"schedule", status.schedule},
                          {"last_run_at", status.last_run_at},
                          {"next_run_at", status.next_run_at},
                          {"last_job_id", status.last_job_id}});
    }
  }
  return list.dump();
}

std::optional<http::Response> handle_ops_request(const AdminOpsDeps& deps,
                                                 const http::Request& request) {
  return OpsApi(deps).handle(request);
}

}  // namespace mirrord
