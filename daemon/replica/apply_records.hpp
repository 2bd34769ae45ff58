// apply_records: publishes verified snapshot records on this mirror.
//
// Every blob the catalog does not record yet is ingested through `source` into the BlobStore,
// which verifies its sha256, size and git blob id (when the record names one); an interrupted
// ingest keeps its .part and the next apply continues from it. Only when every blob of every
// record is durable and recorded are the snapshots published (each in one catalog transaction),
// so a bad blob publishes nothing. Snapshots already published are left as they are; their
// refs are moved to what the records say. A git mirror's repository is built under
// `storage_root` from its records' packs, and checked, before anything is published
// (git_records.hpp); without a storage root git records are refused.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <vector>

#include "daemon/replica/blob_source.hpp"
#include "daemon/replica/snapshot_record.hpp"
#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"

namespace mirrord::replica {

struct ApplyResult {
  std::size_t snapshots_published = 0;
  std::size_t blobs_fetched = 0;
  std::uint64_t bytes_fetched = 0;  // bytes streamed from the source (after any resume offset)
  std::size_t blobs_present = 0;    // already recorded here: not fetched
};

// Called after each fetched blob, for progress.
struct ApplyProgress {
  std::function<void(const RecordBlob&)> blob_done;
  std::function<void(std::uint64_t bytes)> bytes;
  // Called on a copy of every record once all blobs are stored and before anything is
  // published, to make what this mirror serves its own (re-signed apt Release files, a manifest
  // signed with this mirror's key); a failure publishes nothing.
  std::function<Status(VerifiedRecord&)> prepare;
};

// The distinct blobs of `records`, in first-seen order (the order apply_records fetches them).
std::vector<RecordBlob> distinct_blobs(const std::vector<VerifiedRecord>& records);

Result<ApplyResult> apply_records(const std::vector<VerifiedRecord>& records, BlobSource& source,
                                  BlobStore& store, Catalog& catalog,
                                  const std::atomic<bool>* cancel);
Result<ApplyResult> apply_records(const std::vector<VerifiedRecord>& records, BlobSource& source,
                                  BlobStore& store, Catalog& catalog,
                                  const std::atomic<bool>* cancel, const ApplyProgress& progress,
                                  const std::filesystem::path& storage_root = {});

}  // namespace mirrord::replica
