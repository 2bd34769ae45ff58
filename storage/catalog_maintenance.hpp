// Values of the catalog's maintenance methods (Catalog::collect_garbage, schedules, quotas).
//
// Who references a blob (every row that may keep one alive, each with an index on its sha256):
//   snapshot_files  the files of every published snapshot, whatever the ecosystem: Hugging Face
//                   files, PyPI distribution files, apt indexes and pool files, git LFS objects
//   snapshot_blobs  blobs a snapshot needs besides its files (a wheel's core metadata)
//   quarantine      refused files held for inspection, released or not
// A blob none of these names is garbage once it was last recorded before the grace cutoff; a
// pull records (or re-records) every blob it uses, so a blob of a running pull not yet
// published stays young.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/digest.hpp"

namespace mirrord {

// The repos of one policy: one repo by name, or every repo whose name starts with `name`.
struct RepoSelector {
  std::string kind;
  std::string name;
  bool prefix = false;
};

// Keep the newest `keep` snapshots of each selected repo (0: all), plus every snapshot a ref
// points at and every snapshot a pin names (a ref name, or a commit in full or by a prefix of at
// least 7 characters).
struct RetentionRule {
  RepoSelector repos;
  std::int64_t keep = 0;
  std::vector<std::string> pins;
};

class BlobStore;

struct GcRequest {
  std::vector<RetentionRule> retention;  // applied first
  bool collect_blobs = true;             // false: retention only
  std::int64_t cutoff = 0;  // blobs last recorded after this unix time are never collected
  bool dry_run = false;     // answer what would happen; change nothing
  // Where the collected blobs' files are removed, each right after its row, while the catalog is
  // held: a pull cannot re-record (and so re-ingest) a blob between its row and its file going.
  // Null: only the rows go.
  BlobStore* store = nullptr;
};

struct UnpublishedSnapshot {
  std::string kind;
  std::string name;
  std::string commit;
};

struct GcBlob {
  Sha256 sha256;
  std::uint64_t size = 0;
};

// What a collection did (or, dry, would do).
struct GcResult {
  std::vector<UnpublishedSnapshot> unpublished;
  std::vector<GcBlob> blobs;
  // Blobs whose row went but whose file could not be removed ("<sha256>: <why>"); nothing
  // serves them, and a later collection does not see them again.
  std::vector<std::string> errors;
};

// The daemon's record of one scheduled target.
struct ScheduleRecord {
  std::string target;  // policy name
  std::int64_t last_run_at = 0;
  std::int64_t next_run_at = 0;
  std::int64_t last_job_id = 0;
};

}  // namespace mirrord
