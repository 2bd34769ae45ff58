// The trust endpoints of the admin API (docs/admin-api.md, "Trust"):
//   GET  /v1/show?target=T                    a repo's published snapshot, verdict and manifest
//   GET  /v1/quarantine[?all=1]               refused files held for inspection
//   POST /v1/quarantine/{id}/release          {"reason": "..."}: publish one, with its reason
//   POST /v1/verify                           {"target": "T"} or {}: a scrub, run as a job
//   GET  /v1/keys/manifest                    the manifest-signing key (created when missing)
#pragma once

#include <filesystem>
#include <memory>
#include <optional>

#include "daemon/http/message.hpp"
#include "daemon/jobs/job_manager.hpp"
#include "daemon/live_policies.hpp"
#include "storage/catalog.hpp"

namespace mirrord {

struct AdminTrustDeps {
  std::shared_ptr<Catalog> catalog;
  std::shared_ptr<JobManager> jobs;
  std::shared_ptr<const LivePolicies> policies;
  std::filesystem::path storage_root;
};

// nullopt for requests that are not trust endpoints.
std::optional<http::Response> handle_trust_request(const AdminTrustDeps& deps,
                                                   const http::Request& request);

}  // namespace mirrord
