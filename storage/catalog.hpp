// Catalog: what the mirror holds and publishes, in SQLite (WAL, versioned schema migrations).
//
// Vocabulary (docs/ARCHITECTURE.md): a repo (kind + name) has snapshots, one per upstream commit;
// a snapshot maps paths to blobs and is immutable once published; refs (`main`, a tag) are moving
// names pointing at a commit. Blobs are listed here only once durable in the BlobStore.
//
// publish_snapshot() is one transaction: the snapshot, its files and its refs become visible
// together, or not at all. It refuses a snapshot that names a blob not recorded by record_blob().
//
// Thread-safety: all methods may be called from any thread (one connection, serialized inside).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "storage/blob_store.hpp"
#include "storage/catalog_maintenance.hpp"
#include "storage/catalog_protection.hpp"
#include "storage/digest.hpp"
#include "storage/result.hpp"

namespace mirrord {

// `kind` names the ecosystem and repo type: "model", "dataset", "space" (Hugging Face); other
// ecosystems add their own kinds. `name` is the canonical id, e.g. "Qwen/Qwen2.5-0.5B-Instruct".
struct RepoKey {
  std::string kind;
  std::string name;
  friend bool operator==(const RepoKey&, const RepoKey&) = default;
};

struct SnapshotFile {
  std::string path;
  Sha256 sha256;
  GitOid git_oid;  // git blob id of the content, or of the LFS pointer when `lfs`
  bool lfs = false;
  std::uint64_t size = 0;
};

// What the mirror concluded about a snapshot's content, stored with it: the admission verdict
// (JSON, see README "Trust") and the mirror's signed manifest of the snapshot (empty when none).
struct SnapshotTrust {
  std::string verdict_json = "{}";
  std::string manifest;            // the exact bytes that were signed
  std::string manifest_signature;  // base64 of the signature over `manifest`
};

struct NewSnapshot {
  RepoKey repo;
  std::string commit;  // 40-hex upstream commit
  std::vector<SnapshotFile> files;
  std::string info_json = "{}";          // sanitized upstream repo metadata (allow-listed fields)
  std::vector<std::string> refs;         // ref names to point at this commit, e.g. {"main"}
  SnapshotTrust trust = {};              // stored with a new snapshot (ignored when it exists)
  std::vector<Sha256> extra_blobs = {};  // blobs it needs besides its files (PyPI core metadata)
};

// A refused file held for inspection: its blob is stored (and kept) but no snapshot lists it, so
// it is never served, until an operator releases it with a recorded reason.
struct QuarantineEntry {
  std::int64_t id = 0;
  RepoKey repo;
  std::string commit;
  SnapshotFile file;  // what the snapshot would have listed
  std::string reason;
  std::int64_t created_at = 0;
  std::int64_t released_at = 0;  // 0 while quarantined
  std::string release_reason = {};
};

struct SnapshotInfo {
  std::int64_t id = 0;
  RepoKey repo;
  std::string commit;
  std::int64_t published_at = 0;  // unix seconds
  std::uint64_t file_count = 0;
  std::uint64_t total_bytes = 0;
  std::string info_json;
};

struct RefInfo {
  std::string name;
  std::string commit;
  std::int64_t updated_at = 0;
};

// One line of `mirrorctl ls`: a ref of a repo and the snapshot it points at.
struct RepoSummary {
  RepoKey repo;
  std::string ref;
  std::string commit;
  std::uint64_t file_count = 0;
  std::uint64_t total_bytes = 0;
  std::int64_t published_at = 0;
  std::string state;    // "published"
  bool pinned = false;  // an operator pin names the ref or its commit
};

// How many blobs the catalog records, and their total size (the store's size, for /metrics).
struct BlobTotals {
  std::uint64_t blobs = 0;
  std::uint64_t bytes = 0;
};

enum class JobState { kQueued, kRunning, kSucceeded, kFailed, kInterrupted };
const char* to_string(JobState state);

struct JobRecord {
  std::int64_t id = 0;
  std::string target;  // as asked, e.g. "qwen" or "hf:Qwen/Qwen2.5-0.5B-Instruct@main"
  std::string key;     // canonical form used for single-flight, e.g. "hf:model:Qwen/X@main"
  JobState state = JobState::kQueued;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::uint64_t files_total = 0;
  std::uint64_t files_done = 0;
  std::uint64_t bytes_total = 0;
  std::uint64_t bytes_done = 0;
  std::string commit;
  std::string error;
};

class Catalog {
 public:
  // Opens (creating when missing) the database and runs pending schema migrations.
  static Result<std::unique_ptr<Catalog>> open(const std::filesystem::path& db_path);
  virtual ~Catalog() = default;

  virtual int schema_version() = 0;

  // Blobs: recorded only after BlobStore has made them durable.
  virtual Status record_blob(const BlobInfo& blob) = 0;
  virtual Result<std::optional<BlobInfo>> find_blob(const Sha256& digest) = 0;
  virtual Result<std::optional<BlobInfo>> find_blob_by_git_oid(const GitOid& oid) = 0;

  // Snapshots and refs.
  virtual Result<std::int64_t> publish_snapshot(const NewSnapshot& snapshot) = 0;
  virtual Result<bool> repo_exists(const RepoKey& repo) = 0;
  virtual Result<std::optional<SnapshotInfo>> find_snapshot(const RepoKey& repo,
                                                            const std::string& commit) = 0;
  virtual Result<std::optional<std::string>> resolve_ref(const RepoKey& repo,
                                                         const std::string& ref) = 0;
  virtual Result<std::vector<RefInfo>> list_refs(const RepoKey& repo) = 0;
  virtual Result<std::vector<SnapshotFile>> list_files(std::int64_t snapshot_id) = 0;  // by path
  virtual Result<std::optional<SnapshotFile>> find_file(std::int64_t snapshot_id,
                                                        const std::string& path) = 0;
  virtual Result<std::vector<RepoSummary>> list_repos() = 0;
  // The trust methods below are not pure so that a decorator written before them (one that does
  // not forward them yet) still builds; their defaults fail with kInternal, naming the method.

  // Every published snapshot, by repo and publication time (for scrubs).
  virtual Result<std::vector<SnapshotInfo>> list_snapshots();

  // Trust: the verdict and signed manifest of a snapshot.
  virtual Result<SnapshotTrust> snapshot_trust(std::int64_t snapshot_id);
  virtual Status set_snapshot_trust(std::int64_t snapshot_id, const SnapshotTrust& trust);

  // Quarantine. record_quarantine() keeps one row per (repo, commit, path) and refreshes the
  // reason of a row not yet released; the file's blob must be recorded.
  virtual Result<std::int64_t> record_quarantine(const QuarantineEntry& entry);
  virtual Result<std::vector<QuarantineEntry>> list_quarantine(bool include_released);
  virtual Result<std::optional<QuarantineEntry>> find_quarantine(std::int64_t id);
  // A release of exactly this content at this path of the repo (any commit), if any.
  virtual Result<std::optional<QuarantineEntry>> find_release(const RepoKey& repo,
                                                              const std::string& path,
                                                              const Sha256& sha256);
  // In one transaction: marks the entry released with `reason`, adds its file to the snapshot of
  // its commit when that snapshot exists, and stores `trust` for that snapshot when given.
  // kNotFound for an unknown id, kConflict when already released, kInvalidInput for an empty
  // reason.
  virtual Status release_quarantine(std::int64_t id, const std::string& reason,
                                    const std::optional<SnapshotTrust>& trust);

  // Whether a published snapshot lists the blob as a file or needs it besides its files
  // (storage/catalog_published.cpp); not pure, like the trust methods.
  virtual Result<bool> blob_published(const Sha256& digest);

  // Statistics (storage/catalog_stats.cpp); not pure, like the trust methods.
  virtual Result<BlobTotals> blob_totals();
  // Maintenance (storage/catalog_gc.cpp, storage/catalog_maintenance.hpp). In one transaction:
  // unpublishes the snapshots the retention rules do not keep, then deletes the rows of blobs
  // nothing references any more and last recorded before the cutoff; rolled back when dry.
  virtual Result<GcResult> collect_garbage(const GcRequest& request);
  // Bytes of the distinct blobs the selected repos' snapshots reference; all recorded blobs
  // when `repos` is null.
  virtual Result<std::uint64_t> stored_bytes(const RepoSelector* repos);
  // Scheduled targets: last and next run, by target name.
  virtual Result<std::vector<ScheduleRecord>> list_schedules();
  virtual Status record_schedule(const ScheduleRecord& record);

  // Protection (storage/catalog_protection.cpp, storage/catalog_protection.hpp); not pure, like
  // the trust methods.
  // Pins `revision` of the repo: a ref name when the repo has that ref, else a published commit
  // in full or by a unique prefix of at least 7 characters. Pinning again replaces the reason.
  // kNotFound when neither matches.
  virtual Result<PinRecord> pin(const RepoKey& repo, const std::string& revision,
                                const std::string& reason);
  // Removes the pin named `revision` (a ref, or a commit in full or by a unique prefix); kNotFound
  // when there is none.
  virtual Result<PinRecord> unpin(const RepoKey& repo, const std::string& revision);
  // Pins of one repo, or of every repo when `repo` is null; by repo, then name.
  virtual Result<std::vector<PinRecord>> list_pins(const RepoKey* repo);
  // Records a change unless the same (repo, change, detail) is recorded already: true when new.
  virtual Result<bool> record_upstream_change(const UpstreamChange& change);
  // Recorded changes of one repo, or of every repo when `repo` is null; newest first.
  virtual Result<std::vector<UpstreamChange>> list_upstream_changes(const RepoKey* repo);

  // Jobs (pulls). Progress counters are written by the job runner from time to time.
  virtual Result<std::int64_t> create_job(const std::string& target, const std::string& key) = 0;
  virtual Status update_job(const JobRecord& job) = 0;  // all mutable fields, by id
  virtual Result<std::optional<JobRecord>> get_job(std::int64_t id) = 0;
  virtual Result<std::vector<JobRecord>> list_jobs(bool active_only, int limit) = 0;
  // Start-up: jobs left queued/running by a previous process become kInterrupted.
  virtual Status mark_unfinished_jobs_interrupted() = 0;
};

}  // namespace mirrord
