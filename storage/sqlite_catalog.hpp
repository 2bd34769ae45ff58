// Private to storage/: the Catalog on SQLite. Declared here because its methods are spread over
// catalog.cpp (opening, blobs, lookups), catalog_publish.cpp and catalog_jobs.cpp.
//
// One connection; every public method takes mutex_ for its whole duration, so a transaction is
// never interleaved with another thread's statements. Private helpers expect mutex_ to be held.
#pragma once

#include <ctime>
#include <functional>
#include <memory>
#include <mutex>
#include <set>

#include "storage/catalog.hpp"
#include "storage/sqlite_handle.hpp"

namespace mirrord {

class SqliteCatalog final : public Catalog {
 public:
  explicit SqliteCatalog(std::unique_ptr<SqliteDb> db) : db_(std::move(db)) {}

  int schema_version() override;

  Status record_blob(const BlobInfo& blob) override;
  Result<std::optional<BlobInfo>> find_blob(const Sha256& digest) override;
  Result<std::optional<BlobInfo>> find_blob_by_git_oid(const GitOid& oid) override;

  Result<std::int64_t> publish_snapshot(const NewSnapshot& snapshot) override;
  Result<bool> repo_exists(const RepoKey& repo) override;
  Result<std::optional<SnapshotInfo>> find_snapshot(const RepoKey& repo,
                                                    const std::string& commit) override;
  Result<std::optional<std::string>> resolve_ref(const RepoKey& repo,
                                                 const std::string& ref) override;
  Result<std::vector<RefInfo>> list_refs(const RepoKey& repo) override;
  Result<std::vector<SnapshotFile>> list_files(std::int64_t snapshot_id) override;
  Result<std::optional<SnapshotFile>> find_file(std::int64_t snapshot_id,
                                                const std::string& path) override;
  Result<std::vector<RepoSummary>> list_repos() override;
  Result<std::vector<SnapshotInfo>> list_snapshots() override;

  Result<SnapshotTrust> snapshot_trust(std::int64_t snapshot_id) override;
  Status set_snapshot_trust(std::int64_t snapshot_id, const SnapshotTrust& trust) override;
  Result<std::int64_t> record_quarantine(const QuarantineEntry& entry) override;
  Result<std::vector<QuarantineEntry>> list_quarantine(bool include_released) override;
  Result<std::optional<QuarantineEntry>> find_quarantine(std::int64_t id) override;
  Result<std::optional<QuarantineEntry>> find_release(const RepoKey& repo, const std::string& path,
                                                      const Sha256& sha256) override;
  Status release_quarantine(std::int64_t id, const std::string& reason,
                            const std::optional<SnapshotTrust>& trust) override;

  Result<bool> blob_published(const Sha256& digest) override;
  Result<BlobTotals> blob_totals() override;
  Result<GcResult> collect_garbage(const GcRequest& request) override;
  Result<std::uint64_t> stored_bytes(const RepoSelector* repos) override;
  Result<std::vector<ScheduleRecord>> list_schedules() override;
  Status record_schedule(const ScheduleRecord& record) override;

  Result<PinRecord> pin(const RepoKey& repo, const std::string& revision,
                        const std::string& reason) override;
  Result<PinRecord> unpin(const RepoKey& repo, const std::string& revision) override;
  Result<std::vector<PinRecord>> list_pins(const RepoKey* repo) override;
  Result<bool> record_upstream_change(const UpstreamChange& change) override;
  Result<std::vector<UpstreamChange>> list_upstream_changes(const RepoKey* repo) override;

  Result<std::int64_t> create_job(const std::string& target, const std::string& key) override;
  Status update_job(const JobRecord& job) override;
  Result<std::optional<JobRecord>> get_job(std::int64_t id) override;
  Result<std::vector<JobRecord>> list_jobs(bool active_only, int limit) override;
  Status mark_unfinished_jobs_interrupted() override;

 private:
  using Lock = std::lock_guard<std::mutex>;

  Result<std::int64_t> upsert_repo(const RepoKey& repo);
  Result<std::optional<std::int64_t>> find_snapshot_id(std::int64_t repo_id,
                                                       const std::string& commit);
  Status check_blobs_recorded(const std::vector<SnapshotFile>& files);
  Result<std::int64_t> insert_snapshot(std::int64_t repo_id, const NewSnapshot& snapshot);
  Status insert_files(std::int64_t snapshot_id, const std::vector<SnapshotFile>& files);
  Status point_refs(std::int64_t repo_id, const NewSnapshot& snapshot);
  Status keep_pinned_ref(const NewSnapshot& snapshot, const std::string& ref,
                         const std::string& pinned);
  Status write_trust(std::int64_t snapshot_id, const SnapshotTrust& trust);
  Result<std::optional<QuarantineEntry>> quarantine_row(std::int64_t id);
  Status add_released_file(const QuarantineEntry& entry);
  Status insert_extra_blobs(std::int64_t snapshot_id, const std::vector<Sha256>& blobs);
  Status apply_retention(const RetentionRule& rule, std::vector<UnpublishedSnapshot>& unpublished);
  Status trim_repo(std::int64_t repo_id, const RetentionRule& rule,
                   const std::function<void(const std::string&)>& on_unpublish);
  Result<std::optional<std::int64_t>> find_repo_id(const RepoKey& repo);
  Result<std::optional<std::string>> pinned_ref_commit(std::int64_t repo_id,
                                                       const std::string& ref);
  Result<std::set<std::string>> pinned_commits(std::int64_t repo_id);
  Result<std::optional<std::string>> match_commit(std::int64_t repo_id,
                                                  const std::string& revision);
  Status insert_upstream_change(const UpstreamChange& change, bool& inserted);
  Result<std::vector<GcBlob>> delete_unreferenced_blobs(std::int64_t cutoff);
  void remove_blob_files(BlobStore& store, GcResult& result);

  std::mutex mutex_;
  std::unique_ptr<SqliteDb> db_;
};

inline std::int64_t unix_now() {
  return static_cast<std::int64_t>(std::time(nullptr));
}

// Digest columns hold hex written by this catalog; anything else means the file was damaged.
Result<Sha256> sha256_column(const Statement& stmt, int column);
Result<GitOid> git_oid_column(const Statement& stmt, int column);

}  // namespace mirrord
