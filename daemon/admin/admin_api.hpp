// The admin API (docs/admin-api.md): JSON over HTTP, served only on the admin Unix socket.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "daemon/admin/admin_ops.hpp"
#include "daemon/http/message.hpp"
#include "daemon/jobs/job_manager.hpp"
#include "daemon/live_policies.hpp"
#include "daemon/upstreams/upstream_health.hpp"
#include "storage/catalog.hpp"

namespace mirrord {

struct AdminDeps {
  std::shared_ptr<Catalog> catalog;
  std::shared_ptr<JobManager> jobs;
  std::shared_ptr<const LivePolicies> policies;
  // Builds the work of a pull for a resolved policy.
  std::function<JobWork(const Policy&)> make_pull_work;
  std::string version;
  std::string listen;
  std::string public_url;
  std::string storage_root;
  std::int64_t started_at = 0;
  bool offline = false;            // mirrord --offline or [upstream] offline
  std::vector<std::string> peers;  // names of [peers.NAME], which `"from"` of a pull may name
  AdminOpsDeps ops;                // syncs, schedules, gc (daemon/admin/admin_ops.hpp)
  std::shared_ptr<const UpstreamHealth> upstreams;         // GET /v1/upstreams; may be null
  std::vector<std::filesystem::path> import_trusted_keys;  // [import] trusted_keys (bundles)
};

http::Handler make_admin_handler(AdminDeps deps);

}  // namespace mirrord
