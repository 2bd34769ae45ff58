// Decorators that feed Metrics from the services a pull uses, so that no ecosystem has to know
// about metrics: a Fetcher that counts the body bytes it receives, a BlobStore whose ingests count
// the bytes that failed verification, and a JobWork wrapper that counts pulls by result and
// records the last successful sync of each target.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "daemon/fetch/fetcher.hpp"
#include "daemon/jobs/job_manager.hpp"
#include "daemon/metrics/metrics.hpp"
#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"

namespace mirrord::metrics {

std::shared_ptr<Fetcher> make_metered_fetcher(std::shared_ptr<Fetcher> inner,
                                              std::shared_ptr<Metrics> metrics);

std::shared_ptr<BlobStore> make_metered_blob_store(std::shared_ptr<BlobStore> inner,
                                                   std::shared_ptr<Metrics> metrics);

// `target` labels the last-sync gauge (a policy name).
JobWork metered_pull(JobWork work, std::string target, std::shared_ptr<Metrics> metrics);

// Start-up: the last-sync gauge starts from the succeeded pulls the catalog remembers, so that a
// restart does not make every target look as if it never synced. `target_of` names the target
// of a job (nullopt: skip it).
using JobTargetName = std::function<std::optional<std::string>(const JobRecord& job)>;
Status seed_last_syncs(Metrics& metrics, Catalog& catalog, const JobTargetName& target_of);

}  // namespace mirrord::metrics
