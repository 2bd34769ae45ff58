// The git side of applying snapshot records: a git mirror's history lives in its bare
// repository, not the catalog, so before its snapshots are published the repository is built
// from the packs its "current" sync record carries (git_replica_install.hpp).
#pragma once

#include <filesystem>
#include <vector>

#include "daemon/replica/snapshot_record.hpp"
#include "storage/blob_store.hpp"

namespace mirrord::replica {

// For each git mirror among `records` (whose blobs are all in `store`): installs its repository
// under `storage_root`. kInvalidInput when a git mirror's records lack its current sync record
// or its packs do not hold what the records say; nothing is published then.
Status install_git_records(const std::vector<VerifiedRecord>& records, const BlobStore& store,
                           const std::filesystem::path& storage_root);

}  // namespace mirrord::replica
