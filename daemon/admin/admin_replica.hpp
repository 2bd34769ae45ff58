// The bundle endpoints of the admin API (docs/admin-api.md, "Bundles"), each run as a job:
//   POST /v1/exports  {"targets": ["T", ...], "to": "/abs/path[.tar]", "since": "/abs/earlier"}
//   POST /v1/imports  {"from": "/abs/path[.tar]", "key": "/abs/key.pem"}
// Paths are the daemon's and must be absolute. An import trusts the mirror's own manifest key,
// the keys of [import] trusted_keys and the optional "key".
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "daemon/http/message.hpp"
#include "daemon/jobs/job_manager.hpp"
#include "daemon/live_policies.hpp"
#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"

namespace mirrord {

struct AdminReplicaDeps {
  std::shared_ptr<Catalog> catalog;
  std::shared_ptr<BlobStore> store;
  std::shared_ptr<JobManager> jobs;
  std::shared_ptr<const LivePolicies> policies;
  std::filesystem::path storage_root;
  std::vector<std::filesystem::path> trusted_key_files;  // [import] trusted_keys
};

// nullopt for requests that are not bundle endpoints.
std::optional<http::Response> handle_replica_request(const AdminReplicaDeps& deps,
                                                     const http::Request& request);

}  // namespace mirrord
