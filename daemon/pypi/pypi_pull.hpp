// One pull of a pypi target: sync each listed project, then (when the policy asks for
// dependencies) every project the selected wheels require, transitively, from the same index.
// A project that fails does not stop the others; the pull fails when any file or project failed,
// with a message naming them, after everything that could be verified has been published.
#pragma once

#include <filesystem>
#include <string>

#include "daemon/fetch/fetcher.hpp"
#include "daemon/jobs/job_manager.hpp"
#include "daemon/pypi/pypi_sync.hpp"
#include "daemon/pypi/pypi_upstream.hpp"
#include "policies/pypi_target.hpp"
#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"

namespace mirrord::pypi {

// A dependency closure larger than this is cut off (and reported): a bound against a hostile
// index whose packages require ever new names.
inline constexpr std::size_t kMaxProjectsPerPull = 500;

struct PullDeps {
  Catalog& catalog;
  BlobStore& store;
  Fetcher& fetcher;
  ProjectLocks& locks;
  std::filesystem::path state_dir;  // <storage root>/pypi: staging/ and quarantine/
  std::string default_index;        // [upstream.pypi] index, for targets without one
  int parallel_files = 4;
  UpstreamOptions upstream;
  std::vector<std::string> default_extra_indexes = {};  // more [upstream.pypi] indexes
  UpstreamHealth* health = nullptr;  // orders the indexes, hears of bad bytes; may be null
};

Status run_pypi_pull(const PypiTarget& target, const std::string& root, const PullDeps& deps,
                     JobContext& job);

}  // namespace mirrord::pypi
