// SqliteCatalog::publish_snapshot: a snapshot, its files and its refs in one transaction.
#include <set>

#include "storage/sqlite_catalog.hpp"

namespace mirrord {
namespace {

Status validate(const NewSnapshot& snapshot) {
  if (snapshot.repo.kind.empty() || snapshot.repo.name.empty()) {
    return make_error(ErrorCode::kInvalidInput, "a snapshot needs a repo kind and name");
  }
  if (snapshot.commit.empty()) {
    return make_error(ErrorCode::kInvalidInput,
                      "a snapshot of " + snapshot.repo.name + " needs a commit");
  }
  std::set<std::string_view> paths;
  for (const SnapshotFile& file : snapshot.files) {
    if (file.path.empty() || !paths.insert(file.path).second) {
      return make_error(ErrorCode::kInvalidInput, "snapshot of " + snapshot.repo.name +
                                                      " lists an empty or repeated path '" +
                                                      file.path + "'");
    }
  }
  for (const std::string& ref : snapshot.refs) {
    if (ref.empty()) {
      return make_error(ErrorCode::kInvalidInput, "empty ref name for " + snapshot.repo.name);
    }
  }
  return {};
}

}  // namespace

Result<std::int64_t> SqliteCatalog::publish_snapshot(const NewSnapshot& snapshot) {
  MIRRORD_TRY(validate(snapshot));
  Lock lock(mutex_);
  MIRRORD_TRY_ASSIGN(auto transaction, Transaction::begin(*db_));
  MIRRORD_TRY_ASSIGN(const std::int64_t repo_id, upsert_repo(snapshot.repo));
  MIRRORD_TRY_ASSIGN(const auto existing, find_snapshot_id(repo_id, snapshot.commit));
  std::int64_t snapshot_id = 0;
  if (existing) {
    // Published snapshots are immutable (invariant 8): publishing the same commit again only
    // moves the refs, whatever file list came with it.
    snapshot_id = *existing;
  } else {
    MIRRORD_TRY(check_blobs_recorded(snapshot.files));
    MIRRORD_TRY_ASSIGN(snapshot_id, insert_snapshot(repo_id, snapshot));
    MIRRORD_TRY(insert_files(snapshot_id, snapshot.files));
    MIRRORD_TRY(insert_extra_blobs(snapshot_id, snapshot.extra_blobs));
  }
  MIRRORD_TRY(point_refs(repo_id, snapshot));
  MIRRORD_TRY(transaction.commit());
  return snapshot_id;
}

Result<std::int64_t> SqliteCatalog::upsert_repo(const RepoKey& repo) {
  {
    MIRRORD_TRY_ASSIGN(auto insert, db_->prepare("INSERT INTO repos (kind, name) VALUES (?, ?) "
                                                 "ON CONFLICT (kind, name) DO NOTHING"));
    MIRRORD_TRY(insert->bind_all(repo.kind, repo.name));
    MIRRORD_TRY(insert->run());
  }
  MIRRORD_TRY_ASSIGN(auto select, db_->prepare("SELECT id FROM repos WHERE kind = ? AND name = ?"));
  MIRRORD_TRY(select->bind_all(repo.kind, repo.name));
  MIRRORD_TRY_ASSIGN(const bool row, select->step());
  if (!row) {
    return make_error(ErrorCode::kInternal, "repo row vanished inside a transaction");
  }
  return select->column_int64(0);
}

Result<std::optional<std::int64_t>> SqliteCatalog::find_snapshot_id(std::int64_t repo_id,
                                                                    const std::string& commit) {
  MIRRORD_TRY_ASSIGN(auto stmt, db_->prepare("SELECT id FROM snapshots "
                                             "WHERE repo_id = ? AND commit_sha = ?"));
  MIRRORD_TRY(stmt->bind_all(repo_id, commit));
  MIRRORD_TRY_ASSIGN(const bool row, stmt->step());
  if (!row)
    return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(stmt->column_int64(0));
}

// Checked explicitly (the foreign key would also refuse) to name the offending file: a blob that
// is not recorded may not be durable yet (invariant 1), so nothing may refer to it.
Status SqliteCatalog::check_blobs_recorded(const std::vector<SnapshotFile>& files) {
  MIRRORD_TRY_ASSIGN(auto stmt, db_->prepare("SELECT 1 FROM blobs WHERE sha256 = ?"));
  for (const SnapshotFile& file : files) {
    stmt->reset();
    MIRRORD_TRY(stmt->bind_all(file.sha256.hex()));
    MIRRORD_TRY_ASSIGN(const bool recorded, stmt->step());
    if (!recorded) {
      return make_error(ErrorCode::kConflict, "file " + file.path + " refers to blob " +
                                                  file.sha256.hex() + ", which is not recorded");
    }
  }
  return {};
}

Result<std::int64_t> SqliteCatalog::insert_snapshot(std::int64_t repo_id,
                                                    const NewSnapshot& snapshot) {
  std::uint64_t total_bytes = 0;
  for (const SnapshotFile& file : snapshot.files) {
    total_bytes += file.size;
  }
  MIRRORD_TRY_ASSIGN(auto stmt,
                     db_->prepare("INSERT INTO snapshots (repo_id, commit_sha, published_at, "
                                  "file_count, total_bytes, info_json, verdict_json, manifest, "
                                  "manifest_signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  MIRRORD_TRY(stmt->bind_all(
      repo_id, snapshot.commit, unix_now(), static_cast<std::int64_t>(snapshot.files.size()),
      static_cast<std::int64_t>(total_bytes), snapshot.info_json, snapshot.trust.verdict_json,
      snapshot.trust.manifest, snapshot.trust.manifest_signature));
  MIRRORD_TRY(stmt->run());
  return db_->last_insert_rowid();
}

Status SqliteCatalog::insert_files(std::int64_t snapshot_id,
                                   const std::vector<SnapshotFile>& files) {
  MIRRORD_TRY_ASSIGN(auto stmt,
                     db_->prepare("INSERT INTO snapshot_files (snapshot_id, path, sha256, "
                                  "git_oid, lfs, size) VALUES (?, ?, ?, ?, ?, ?)"));
  for (const SnapshotFile& file : files) {
    stmt->reset();
    MIRRORD_TRY(stmt->bind_all(snapshot_id, file.path, file.sha256.hex(), file.git_oid.hex(),
                               std::int64_t{file.lfs ? 1 : 0},
                               static_cast<std::int64_t>(file.size)));
    MIRRORD_TRY(stmt->run());
  }
  return {};
}

// Checked like the files' blobs (and refused by the foreign key otherwise).
Status SqliteCatalog::insert_extra_blobs(std::int64_t snapshot_id,
                                         const std::vector<Sha256>& blobs) {
  MIRRORD_TRY_ASSIGN(auto stmt, db_->prepare("INSERT INTO snapshot_blobs (snapshot_id, sha256) "
                                             "VALUES (?, ?) ON CONFLICT DO NOTHING"));
  for (const Sha256& blob : blobs) {
    stmt->reset();
    MIRRORD_TRY(stmt->bind_all(snapshot_id, blob.hex()));
    if (Status inserted = stmt->run(); !inserted) {
      return make_error(ErrorCode::kConflict,
                        "snapshot needs blob " + blob.hex() + ", which is not recorded");
    }
  }
  return {};
}

// A pinned ref stays where it was pinned; the snapshot stays published under its commit, and the
// move is recorded once.
Status SqliteCatalog::keep_pinned_ref(const NewSnapshot& snapshot, const std::string& ref,
                                      const std::string& pinned) {
  bool inserted = false;
  return insert_upstream_change(
      UpstreamChange{0, snapshot.repo.kind, snapshot.repo.name, kChangePinnedRefKept,
                     "upstream moved " + ref + " from " + pinned + " to " + snapshot.commit +
                         "; the pinned ref stays at " + pinned + " and " + snapshot.commit +
                         " is served by its commit id only",
                     0},
      inserted);
}

Status SqliteCatalog::point_refs(std::int64_t repo_id, const NewSnapshot& snapshot) {
  MIRRORD_TRY_ASSIGN(auto stmt,
                     db_->prepare("INSERT INTO refs (repo_id, name, commit_sha, updated_at) "
                                  "VALUES (?, ?, ?, ?) ON CONFLICT (repo_id, name) DO UPDATE SET "
                                  "commit_sha = excluded.commit_sha, "
                                  "updated_at = excluded.updated_at"));
  const std::int64_t now = unix_now();
  for (const std::string& ref : snapshot.refs) {
    MIRRORD_TRY_ASSIGN(const auto pinned, pinned_ref_commit(repo_id, ref));
    if (pinned && *pinned != snapshot.commit) {
      MIRRORD_TRY(keep_pinned_ref(snapshot, ref, *pinned));
      continue;
    }
    stmt->reset();
    MIRRORD_TRY(stmt->bind_all(repo_id, ref, snapshot.commit, now));
    MIRRORD_TRY(stmt->run());
  }
  return {};
}

}  // namespace mirrord
