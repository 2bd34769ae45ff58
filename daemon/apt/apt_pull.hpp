// One pull of an apt policy, start to finish (protocols/apt.md §4-§6):
//   1. every suite's Release fetched, split strictly, verified with gpgv against the pinned
//      keyring, parsed from the signed text only, and checked (identity, future Date, rollback,
//      Valid-Until in verbatim mode);
//   2. every index the mirror serves fetched (by-hash when offered) and checked against the
//      Release, then parsed;
//   3. the packages the policy keeps chosen (names, priorities, dependency closure), and their
//      files fetched and checked against Size and SHA256 of their Packages stanza;
//   4. the Release files clients get: upstream's verbatim, or re-signed by the mirror key;
//   5. one catalog transaction moves "current" to the new snapshot (earlier ones stay retained).
// Any failure publishes nothing: clients keep the previous complete state. One exception, the
// cut-off: in resign mode, when upstream cannot be reached, the held snapshot is re-signed with a
// fresh Date and Valid-Until (so apt keeps working) and the pull still reports the failure.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "daemon/apt/apt_fetch.hpp"
#include "daemon/apt/mirror_key.hpp"
#include "daemon/jobs/job_manager.hpp"
#include "policies/apt_target.hpp"
#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"

namespace mirrord::apt {

struct AptPullDeps {
  Fetcher& fetcher;
  BlobStore& store;
  Catalog& catalog;
  const MirrorKey& mirror_key;
  std::filesystem::path work_root;  // private work directories are made under it
  int parallel_files = 4;
  RetrySettings retry;
  std::function<std::int64_t()> now;  // unix seconds
  UpstreamHealth* health = nullptr;   // orders the archive's mirrors; may be null
};

Status run_apt_pull(const std::string& policy_name, const AptTarget& target,
                    const AptPullDeps& deps, JobContext& job);

// The system clock in unix seconds.
std::int64_t unix_now();

}  // namespace mirrord::apt
