// Scrub (`mirrorctl verify`): re-checks what the mirror stores against what it recorded.
//
// For every snapshot (or those of one repo): each file's blob must exist, have its recorded size
// and hash to its recorded sha256; the snapshot's signed manifest must verify with the mirror's
// manifest key and list exactly the snapshot's files with the same digests. Quarantined blobs are
// re-hashed too (they are kept for inspection). Each blob is hashed once however many snapshots
// share it. Nothing is repaired: the result says what is wrong and where.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "daemon/jobs/job_manager.hpp"
#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"

namespace mirrord {

struct ScrubReport {
  std::uint64_t snapshots = 0;
  std::uint64_t files = 0;
  std::uint64_t blobs = 0;      // distinct blobs hashed
  std::uint64_t bytes = 0;      // bytes hashed
  std::uint64_t manifests = 0;  // signed manifests verified
  std::vector<std::string> problems;
};

// `repo`: only that repo's snapshots (and quarantine); nullopt: everything.
Result<ScrubReport> scrub(Catalog& catalog, const BlobStore& store,
                          const std::filesystem::path& manifest_key_file,
                          const std::optional<RepoKey>& repo, JobContext* context);

// The work of a verify job: OK when the scrub found nothing wrong, else kDigestMismatch naming
// the problems (at most 20, then a count).
JobWork make_scrub_work(std::shared_ptr<Catalog> catalog, std::shared_ptr<BlobStore> store,
                        std::filesystem::path manifest_key_file, std::optional<RepoKey> repo);

}  // namespace mirrord
