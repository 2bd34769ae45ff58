// The observability routes of the public listener (and of the optional [server] metrics_listen):
//   GET /metrics   Prometheus text format: the Metrics counters, plus gauges read at scrape time
//                  (store size from the catalog, jobs queued and running, upstream health)
//   GET /healthz   200 "ok" while the process and its event loop answer
//   GET /readyz    200 "ready", or 503 with the reason (catalog, store, configuration)
// Other methods get 405; every other path is not theirs (nullopt).
#pragma once

#include <memory>

#include "daemon/http/message.hpp"
#include "daemon/jobs/job_manager.hpp"
#include "daemon/metrics/metrics.hpp"
#include "daemon/metrics/readiness.hpp"
#include "daemon/upstreams/upstream_health.hpp"
#include "storage/catalog.hpp"

namespace mirrord::metrics {

struct ObservabilityDeps {
  std::shared_ptr<const Metrics> metrics;
  std::shared_ptr<Catalog> catalog;
  std::shared_ptr<JobManager> jobs;
  std::shared_ptr<ReadinessCheck> readiness;
  std::shared_ptr<const UpstreamHealth> upstreams = nullptr;  // null: no upstream families
};

http::Route make_observability_routes(ObservabilityDeps deps);

// The whole /metrics page.
std::string render_metrics_page(const ObservabilityDeps& deps);

}  // namespace mirrord::metrics
