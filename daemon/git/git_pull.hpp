// One sync of a git mirror, start to finish (protocols/git.md §2):
//   1. fetch the selected upstream refs into the staging namespace of <root>/git/<name>.git;
//   2. plan: which staged values may become published (no history rewrite unless allowed);
//   3. fetch the LFS objects the resulting tips point at into the BlobStore (policy lfs = true);
//   4. publish: move the refs, point HEAD, regenerate objects/info/packs and info/refs;
//   5. record the mirror in the Catalog (refs and a sync record, see git_catalog.hpp).
// Clients see nothing new before step 4, and then everything it names is present. Refused
// rewrites fail the pull (after everything else was published) with a message saying how to
// accept them.
#pragma once

#include <filesystem>

#include "daemon/fetch/fetcher.hpp"
#include "daemon/jobs/job_manager.hpp"
#include "policies/policy.hpp"
#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"

namespace mirrord {

struct GitPullDeps {
  Catalog& catalog;
  BlobStore& store;
  Fetcher& lfs_fetcher;  // carries no credentials of other upstreams
  std::filesystem::path storage_root;
};

// The directory of a git mirror: <root>/git/<name>.git.
std::filesystem::path git_mirror_directory(const std::filesystem::path& storage_root,
                                           const std::string& name);

Status run_git_pull(const Policy& policy, const GitPullDeps& deps, JobContext& job);

}  // namespace mirrord
