// Replicating apt policies in resign mode (README "Air-gapped transfer", "Federation").
//
// A resign snapshot serves InRelease, Release and Release.gpg signed with the exporting mirror's
// own OpenPGP key, which the importing mirror's clients do not trust and which the importing
// mirror could not renew when the Valid-Until passes. So before a replicated snapshot is
// published, the importing mirror writes those files again from upstream's signed text (kept in
// the snapshot as evidence) with its own mirror key, exactly as its own resign pull does: every
// field and checksum line of upstream's text kept, Date now (after the Date this mirror last
// served for the suite), Valid-Until Date plus the period the record served. The evidence must
// still match the digest the record's signed state names. Other snapshots pass unchanged.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>

#include "daemon/apt/mirror_key.hpp"
#include "daemon/replica/apply_records.hpp"
#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"

namespace mirrord::replica {

struct AptResignContext {
  BlobStore& store;  // holds every blob of the record already (apply_records fetched them)
  Catalog& catalog;
  const apt::MirrorKey& key;          // this mirror's archive key
  std::function<std::int64_t()> now;  // unix seconds
};

// Re-signs the Release files of `snapshot` when it is an apt snapshot in resign mode, updating
// its files and state (served dates, content id); leaves any other snapshot, and one this mirror
// has published already, as it is. The commit stays the exporter's (retained lists name it).
Status resign_apt_snapshot(NewSnapshot& snapshot, const AptResignContext& context);

// An ApplyProgress::prepare step doing the above with the mirror key kept under `storage_root`
// and the system clock.
std::function<Status(VerifiedRecord&)> apt_resign_step(std::shared_ptr<BlobStore> store,
                                                       std::shared_ptr<Catalog> catalog,
                                                       const std::filesystem::path& storage_root);

}  // namespace mirrord::replica
