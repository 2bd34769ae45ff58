// CatalogGeneration: a number that changes whenever what the catalog serves may have changed, so
// that in-memory caches of catalog answers (the Hugging Face routes keep one) know when to drop
// them without asking SQLite on every request.
//
// The daemon wraps its Catalog in a GenerationCatalog, through which every writer goes (pulls of
// every ecosystem, the admin API): each publish bumps the generation once it has returned, i.e.
// after its transaction committed (or failed). A reader that samples the generation before it
// queries the catalog and finds it unchanged afterwards knows its answer is not older than any
// publish it could have missed.
//
// Thread-safety: every member may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "storage/catalog.hpp"

namespace mirrord {

class CatalogGeneration {
 public:
  std::uint64_t current() const { return value_.load(std::memory_order_acquire); }
  void bump() { value_.fetch_add(1, std::memory_order_acq_rel); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// Forwards every call to `inner`; bumps `generation` after each publish_snapshot.
class GenerationCatalog final : public Catalog {
 public:
  GenerationCatalog(std::shared_ptr<Catalog> inner, std::shared_ptr<CatalogGeneration> generation)
      : inner_(std::move(inner)), generation_(std::move(generation)) {}

  const std::shared_ptr<CatalogGeneration>& generation() const { return generation_; }

  int schema_version() override { return inner_->schema_version(); }
  Status record_blob(const BlobInfo& blob) override { return inner_->record_blob(blob); }
  Result<std::optional<BlobInfo>> find_blob(const Sha256& digest) override {
    return inner_->find_blob(digest);
  }
  Result<std::optional<BlobInfo>> find_blob_by_git_oid(const GitOid& oid) override {
    return inner_->find_blob_by_git_oid(oid);
  }
  Result<std::int64_t> publish_snapshot(const NewSnapshot& snapshot) override;
  Result<bool> repo_exists(const RepoKey& repo) override { return inner_->repo_exists(repo); }
  Result<std::optional<SnapshotInfo>> find_snapshot(const RepoKey& repo,
                                                    const std::string& commit) override {
    return inner_->find_snapshot(repo, commit);
  }
  Result<std::optional<std::string>> resolve_ref(const RepoKey& repo,
                                                 const std::string& ref) override {
    return inner_->resolve_ref(repo, ref);
  }
  Result<std::vector<RefInfo>> list_refs(const RepoKey& repo) override {
    return inner_->list_refs(repo);
  }
  Result<std::vector<SnapshotFile>> list_files(std::int64_t snapshot_id) override {
    return inner_->list_files(snapshot_id);
  }
  Result<std::optional<SnapshotFile>> find_file(std::int64_t snapshot_id,
                                                const std::string& path) override {
    return inner_->find_file(snapshot_id, path);
  }
  Result<std::vector<RepoSummary>> list_repos() override { return inner_->list_repos(); }
  Result<bool> blob_published(const Sha256& digest) override {
    return inner_->blob_published(digest);
  }
  Result<BlobTotals> blob_totals() override { return inner_->blob_totals(); }
  Result<std::int64_t> create_job(const std::string& target, const std::string& key) override {
    return inner_->create_job(target, key);
  }
  Status update_job(const JobRecord& job) override { return inner_->update_job(job); }
  Result<std::optional<JobRecord>> get_job(std::int64_t id) override { return inner_->get_job(id); }
  Result<std::vector<JobRecord>> list_jobs(bool active_only, int limit) override {
    return inner_->list_jobs(active_only, limit);
  }
  Status mark_unfinished_jobs_interrupted() override {
    return inner_->mark_unfinished_jobs_interrupted();
  }
  // Trust (storage/catalog_trust.cpp). A release adds a file to a published snapshot, so it
  // bumps the generation like a publish.
  Result<std::vector<SnapshotInfo>> list_snapshots() override { return inner_->list_snapshots(); }
  Result<SnapshotTrust> snapshot_trust(std::int64_t snapshot_id) override {
    return inner_->snapshot_trust(snapshot_id);
  }
  Status set_snapshot_trust(std::int64_t snapshot_id, const SnapshotTrust& trust) override {
    return inner_->set_snapshot_trust(snapshot_id, trust);
  }
  Result<std::int64_t> record_quarantine(const QuarantineEntry& entry) override {
    return inner_->record_quarantine(entry);
  }
  Result<std::vector<QuarantineEntry>> list_quarantine(bool include_released) override {
    return inner_->list_quarantine(include_released);
  }
  Result<std::optional<QuarantineEntry>> find_quarantine(std::int64_t id) override {
    return inner_->find_quarantine(id);
  }
  Result<std::optional<QuarantineEntry>> find_release(const RepoKey& repo, const std::string& path,
                                                      const Sha256& sha256) override {
    return inner_->find_release(repo, path, sha256);
  }
  // Maintenance: retention unpublishes snapshots, so a collection bumps the generation.
  Result<GcResult> collect_garbage(const GcRequest& request) override {
    auto collected = inner_->collect_garbage(request);
    generation_->bump();
    return collected;
  }
  Result<std::uint64_t> stored_bytes(const RepoSelector* repos) override {
    return inner_->stored_bytes(repos);
  }
  Result<std::vector<ScheduleRecord>> list_schedules() override { return inner_->list_schedules(); }
  // Protection: pins change no answer the routes cache (a pinned ref is just a ref).
  Result<PinRecord> pin(const RepoKey& repo, const std::string& revision,
                        const std::string& reason) override {
    return inner_->pin(repo, revision, reason);
  }
  Result<PinRecord> unpin(const RepoKey& repo, const std::string& revision) override {
    return inner_->unpin(repo, revision);
  }
  Result<std::vector<PinRecord>> list_pins(const RepoKey* repo) override {
    return inner_->list_pins(repo);
  }
  Result<bool> record_upstream_change(const UpstreamChange& change) override {
    return inner_->record_upstream_change(change);
  }
  Result<std::vector<UpstreamChange>> list_upstream_changes(const RepoKey* repo) override {
    return inner_->list_upstream_changes(repo);
  }
  Status record_schedule(const ScheduleRecord& record) override {
    return inner_->record_schedule(record);
  }
  Status release_quarantine(std::int64_t id, const std::string& reason,
                            const std::optional<SnapshotTrust>& trust) override {
    Status released = inner_->release_quarantine(id, reason, trust);
    generation_->bump();
    return released;
  }

 private:
  std::shared_ptr<Catalog> inner_;
  std::shared_ptr<CatalogGeneration> generation_;
};

}  // namespace mirrord
