#include "daemon/metrics/observability_routes.hpp"

#include <cstdio>

#include "daemon/metrics/upstream_gauges.hpp"

namespace mirrord::metrics {
namespace {

void write_store_gauges(Catalog& catalog, Exposition& out) {
  auto totals = catalog.blob_totals();
  if (!totals) {
    // A scrape still reports everything else; the log says why these are missing.
    std::fprintf(stderr, "<4>metrics store totals unavailable: %s\n",
                 totals.error().message.c_str());
    return;
  }
  out.family("mirrord_store_blobs", "gauge", "Blobs recorded in the catalog.");
  out.sample("mirrord_store_blobs", {}, totals->blobs);
  out.family("mirrord_store_bytes", "gauge", "Total size of the blobs recorded in the catalog.");
  out.sample("mirrord_store_bytes", {}, totals->bytes);
}

void write_job_gauges(JobManager& jobs, Exposition& out) {
  std::uint64_t queued = 0;
  std::uint64_t running = 0;
  for (const JobRecord& job : jobs.active()) {
    (job.state == JobState::kQueued ? queued : running) += 1;
  }
  out.family("mirrord_jobs", "gauge", "Pull jobs waiting in the queue or running, by state.");
  out.sample("mirrord_jobs", {{"state", "queued"}}, queued);
  out.sample("mirrord_jobs", {{"state", "running"}}, running);
}

http::Response method_not_allowed() {
  http::Response response = http::json_response(405, R"({"error":"method not allowed"})");
  response.headers.set("Allow", "GET, HEAD");
  return response;
}

http::Response readyz(ReadinessCheck& readiness) {
  const Readiness state = readiness.check();
  if (state.ready) {
    return http::text_response(200, "ready\n");
  }
  http::Response response = http::text_response(503, "not ready: " + state.reason + "\n");
  response.headers.set("Retry-After", "5");
  return response;
}

}  // namespace

std::string render_metrics_page(const ObservabilityDeps& deps) {
  Exposition out;
  deps.metrics->write(out);
  write_store_gauges(*deps.catalog, out);
  write_job_gauges(*deps.jobs, out);
  if (deps.upstreams) {
    write_upstream_gauges(*deps.upstreams, out);
  }
  return out.text();
}

http::Route make_observability_routes(ObservabilityDeps deps) {
  return [deps = std::move(deps)](const http::Request& request) -> std::optional<http::Response> {
    const std::string& path = request.path;
    if (path != "/metrics" && path != "/healthz" && path != "/readyz") {
      return std::nullopt;
    }
    if (request.method != "GET" && request.method != "HEAD") {
      return method_not_allowed();
    }
    if (path == "/healthz") {
      return http::text_response(200, "ok\n");
    }
    if (path == "/readyz") {
      return readyz(*deps.readiness);
    }
    http::Response response =
        http::text_response(200, render_metrics_page(deps), kExpositionContentType);
    response.headers.set("Cache-Control", "no-store");
    return response;
  };
}

}  // namespace mirrord::metrics
