// Maintenance of what the policies mirror: retention after each sync, garbage collection of
// unreferenced blobs, and quotas (README, "Policies and schedules").
//
// Retention runs after each successful sync of a policy with `keep`, and at the start of every
// GC for every such policy. GC then removes the blobs nothing references (storage/
// catalog_maintenance.hpp lists who references a blob) and that no pull recorded within the
// grace period: their rows and files, in one catalog transaction.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "daemon/jobs/job_manager.hpp"
#include "policies/policy.hpp"
#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"

namespace mirrord {

// The catalog repos a policy's pulls publish to.
RepoSelector repos_of(const Policy& policy);
RetentionRule retention_of(const Policy& policy);

struct QuotaLimits {
  std::uint64_t store_quota = 0;  // [storage] quota; 0: none
};

// Wraps the work of a pull of `policy`: the plan is refused when it would exceed the policy's
// or the store's quota, and after a success the policy's retention runs.
JobWork with_maintenance(JobWork work, const Policy& policy, std::shared_ptr<Catalog> catalog,
                         QuotaLimits limits);

// Wraps every work `make` builds with with_maintenance().
std::function<JobWork(const Policy&)> with_operations(std::function<JobWork(const Policy&)> make,
                                                      std::shared_ptr<Catalog> catalog,
                                                      QuotaLimits limits);

// The quota check of one plan; exposed for tests.
Status check_quotas(Catalog& catalog, const Policy& policy, QuotaLimits limits,
                    std::uint64_t new_bytes);

struct GcReport {
  bool dry_run = false;
  GcResult collected;  // its `errors`: blobs whose row went but whose file could not be removed
  std::uint64_t bytes = 0;  // of the blobs collected
};

Result<GcReport> run_gc(Catalog& catalog, BlobStore& store, const std::vector<Policy>& policies,
                        std::int64_t cutoff, bool dry_run);

}  // namespace mirrord
