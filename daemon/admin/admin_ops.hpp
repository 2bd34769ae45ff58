// The operations endpoints of the admin API (docs/admin-api.md, "Schedules and garbage
// collection"):
//   POST /v1/syncs        {"target": "T"}: sync T now; {}: every scheduled target now
//   GET  /v1/schedules    every scheduled target with its last and next run
//   POST /v1/gc           {"dry_run": bool}: retention, then removal of unreferenced blobs
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "daemon/http/message.hpp"
#include "daemon/jobs/clock.hpp"
#include "daemon/jobs/job_manager.hpp"
#include "daemon/jobs/scheduler.hpp"
#include "daemon/live_policies.hpp"
#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"

namespace mirrord {

struct AdminOpsDeps {
  std::shared_ptr<Catalog> catalog;
  std::shared_ptr<BlobStore> store;
  std::shared_ptr<JobManager> jobs;
  std::shared_ptr<const LivePolicies> policies;
  std::shared_ptr<Scheduler> scheduler;  // null: no scheduler (nothing is scheduled)
  std::function<JobWork(const Policy&)> make_pull_work;
  std::shared_ptr<const Clock> clock;
  std::int64_t gc_grace_period = 3600;  // seconds
};

// nullopt for requests that are not operations endpoints.
std::optional<http::Response> handle_ops_request(const AdminOpsDeps& deps,
                                                 const http::Request& request);

// The "schedules" list of GET /v1/schedules and GET /v1/status, as JSON text.
std::string schedules_json(const Scheduler* scheduler);

}  // namespace mirrord
