// import_bundle: verifies a bundle and publishes what it holds (README "Air-gapped transfer").
//
// The index signature and every record signature must verify against one of the pinned keys;
// every record must match the digest the index lists for it; every blob a record needs must be
// in the bundle or already in this mirror's store (an incremental bundle names its base when
// not). Then apply_records() streams each missing blob into the store, verifying its digests,
// and publishes only when all verified. Anything wrong refuses the whole bundle with the reason.
// An interrupted import resumes: stored blobs are skipped, a kept .part continues. Snapshots that
// came with a signed manifest are published with one signed by `own_key` (sign_manifest_as).
// Git mirrors' repositories are built under `storage_root` (apply_records.hpp).
#pragma once

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "daemon/replica/apply_records.hpp"

namespace mirrord::replica {

struct ImportResult {
  std::string bundle_id;
  std::string key_id;  // of the pinned key that signed the bundle
  std::size_t records = 0;
  ApplyResult applied;
};

struct ImportProgress {
  std::function<void(std::size_t blobs, std::uint64_t bytes)> totals;
  ApplyProgress apply;
};

Result<ImportResult> import_bundle(const std::filesystem::path& from,
                                   const std::vector<std::string>& trusted_public_pems,
                                   const SigningKey& own_key, BlobStore& store, Catalog& catalog,
                                   const std::atomic<bool>* cancel, const ImportProgress& progress,
                                   const std::filesystem::path& storage_root = {});

}  // namespace mirrord::replica
