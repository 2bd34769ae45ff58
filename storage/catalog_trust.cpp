// SqliteCatalog: snapshot verdicts and manifests, the quarantine, and the list of snapshots.
#include "storage/sqlite_catalog.hpp"

namespace mirrord {
namespace {

constexpr const char* kQuarantineColumns =
    "SELECT id, repo_kind, repo_name, commit_sha, path, sha256, git_oid, lfs, size, reason, "
    "created_at, released_at, release_reason FROM quarantine ";

Result<QuarantineEntry> read_quarantine_row(const Statement& stmt) {
  QuarantineEntry entry;
  entry.id = stmt.column_int64(0);
  entry.repo = RepoKey{stmt.column_text(1), stmt.column_text(2)};
  entry.commit = stmt.column_text(3);
  entry.file.path = stmt.column_text(4);
  MIRRORD_TRY_ASSIGN(entry.file.sha256, sha256_column(stmt, 5));
  MIRRORD_TRY_ASSIGN(entry.file.git_oid, git_oid_column(stmt, 6));
  entry.file.lfs = stmt.column_int64(7) != 0;
  entry.file.size = static_cast<std::uint64_t>(stmt.column_int64(8));
  entry.reason = stmt.column_text(9);
  entry.created_at = stmt.column_int64(10);
  entry.released_at = stmt.column_int64(11);
  entry.release_reason = stmt.column_text(12);
  return entry;
}

Result<std::vector<QuarantineEntry>> read_quarantine_rows(Statement& stmt) {
  std::vector<QuarantineEntry> entries;
  for (;;) {
    MIRRORD_TRY_ASSIGN(const bool row, stmt.step());
    if (!row)
      return entries;
    MIRRORD_TRY_ASSIGN(auto entry, read_quarantine_row(stmt));
    entries.push_back(std::move(entry));
  }
}

}  // namespace

Result<std::vector<SnapshotInfo>> SqliteCatalog::list_snapshots() {
  Lock lock(mutex_);
  MIRRORD_TRY_ASSIGN(auto stmt,
                     db_->prepare("SELECT s.id, r.kind, r.name, s.commit_sha, s.published_at, "
                                  "s.file_count, s.total_bytes, s.info_json FROM snapshots s "
                                  "JOIN repos r ON r.id = s.repo_id "
                                  "ORDER BY r.kind, r.name, s.published_at, s.id"));
  std::vector<SnapshotInfo> snapshots;
  for (;;) {
    MIRRORD_TRY_ASSIGN(const bool row, stmt->step());
    if (!row)
      return snapshots;
    snapshots.push_back(SnapshotInfo{
        .id = stmt->column_int64(0),
        .repo = {stmt->column_text(1), stmt->column_text(2)},
        .commit = stmt->column_text(3),
        .published_at = stmt->column_int64(4),
        .file_count = static_cast<std::uint64_t>(stmt->column_int64(5)),
        .total_bytes = static_cast<std::uint64_t>(stmt->column_int64(6)),
        .info_json = stmt->column_text(7),
    });
  }
}

Result<SnapshotTrust> SqliteCatalog::snapshot_trust(std::int64_t snapshot_id) {
  Lock lock(mutex_);
  MIRRORD_TRY_ASSIGN(auto stmt, db_->prepare("SELECT verdict_json, manifest, manifest_signature "
                                             "FROM snapshots WHERE id = ?"));
  MIRRORD_TRY(stmt->bind_all(snapshot_id));
  MIRRORD_TRY_ASSIGN(const bool row, stmt->step());
  if (!row) {
    return make_error(ErrorCode::kNotFound, "no snapshot " + std::to_string(snapshot_id));
  }
  return SnapshotTrust{stmt->column_text(0), stmt->column_text(1), stmt->column_text(2)};
}

Status SqliteCatalog::write_trust(std::int64_t snapshot_id, const SnapshotTrust& trust) {
  MIRRORD_TRY_ASSIGN(auto stmt, db_->prepare("UPDATE snapshots SET verdict_json = ?, manifest = ?, "
                                             "manifest_signature = ? WHERE id = ?"));
  MIRRORD_TRY(
      stmt->bind_all(trust.verdict_json, trust.manifest, trust.manifest_signature, snapshot_id));
  MIRRORD_TRY(stmt->run());
  if (db_->changes() == 0) {
    return make_error(ErrorCode::kNotFound, "no snapshot " + std::to_string(snapshot_id));
  }
  return {};
}

Status SqliteCatalog::set_snapshot_trust(std::int64_t snapshot_id, const SnapshotTrust& trust) {
  Lock lock(mutex_);
  return write_trust(snapshot_id, trust);
}

Result<std::int64_t> SqliteCatalog::record_quarantine(const QuarantineEntry& entry) {
  Lock lock(mutex_);
  MIRRORD_TRY_ASSIGN(
      auto stmt,
      db_->prepare("INSERT INTO quarantine (repo_kind, repo_name, commit_sha, path, sha256, "
                   "git_oid, lfs, size, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                   "ON CONFLICT (repo_kind, repo_name, commit_sha, path) DO UPDATE SET "
                   "reason = excluded.reason WHERE released_at = 0"));
  const SnapshotFile& file = entry.file;
  MIRRORD_TRY(stmt->bind_all(entry.repo.kind, entry.repo.name, entry.commit, file.path,
                             file.sha256.hex(), file.git_oid.hex(), std::int64_t{file.lfs ? 1 : 0},
                             static_cast<std::int64_t>(file.size), entry.reason, unix_now()));
  MIRRORD_TRY(stmt->run());
  MIRRORD_TRY_ASSIGN(auto id, db_->prepare("SELECT id FROM quarantine WHERE repo_kind = ? AND "
                                           "repo_name = ? AND commit_sha = ? AND path = ?"));
  MIRRORD_TRY(id->bind_all(entry.repo.kind, entry.repo.name, entry.commit, file.path));
  MIRRORD_TRY_ASSIGN(const bool row, id->step());
  if (!row) {
    return make_error(ErrorCode::kInternal, "quarantine row vanished after its insert");
  }
  return id->column_int64(0);
}

Result<std::vector<QuarantineEntry>> SqliteCatalog::list_quarantine(bool include_released) {
  Lock lock(mutex_);
  MIRRORD_TRY_ASSIGN(auto stmt, db_->prepare(std::string(kQuarantineColumns) +
                                             "WHERE ?1 = 1 OR released_at = 0 ORDER BY id"));
  MIRRORD_TRY(stmt->bind_all(std::int64_t{include_released ? 1 : 0}));
  return read_quarantine_rows(*stmt);
}

Result<std::optional<QuarantineEntry>> SqliteCatalog::quarantine_row(std::int64_t id) {
  MIRRORD_TRY_ASSIGN(auto stmt, db_->prepare(std::string(kQuarantineColumns) + "WHERE id = ?"));
  MIRRORD_TRY(stmt->bind_all(id));
  MIRRORD_TRY_ASSIGN(auto rows, read_quarantine_rows(*stmt));
  if (rows.empty())
    return std::optional<QuarantineEntry>();
  return std::optional<QuarantineEntry>(std::move(rows.front()));
}

Result<std::optional<QuarantineEntry>> SqliteCatalog::find_quarantine(std::int64_t id) {
  Lock lock(mutex_);
  return quarantine_row(id);
}

Result<std::optional<QuarantineEntry>> SqliteCatalog::find_release(const RepoKey& repo,
                                                                   const std::string& path,
                                                                   const Sha256& sha256) {
  Lock lock(mutex_);
  MIRRORD_TRY_ASSIGN(auto stmt, db_->prepare(std::string(kQuarantineColumns) +
                                             "WHERE repo_kind = ? AND repo_name = ? AND path = ? "
                                             "AND sha256 = ? AND released_at != 0 "
                                             "ORDER BY id DESC LIMIT 1"));
  MIRRORD_TRY(stmt->bind_all(repo.kind, repo.name, path, sha256.hex()));
  MIRRORD_TRY_ASSIGN(auto rows, read_quarantine_rows(*stmt));
  if (rows.empty())
    return std::optional<QuarantineEntry>();
  return std::optional<QuarantineEntry>(std::move(rows.front()));
}

// The released file joins the snapshot it was withheld from (if that snapshot was published).
Status SqliteCatalog::add_released_file(const QuarantineEntry& entry) {
  MIRRORD_TRY_ASSIGN(auto repo_id_stmt,
                     db_->prepare("SELECT id FROM repos WHERE kind = ? AND name = ?"));
  MIRRORD_TRY(repo_id_stmt->bind_all(entry.repo.kind, entry.repo.name));
  MIRRORD_TRY_ASSIGN(const bool repo_row, repo_id_stmt->step());
  if (!repo_row) {
    return {};
  }
  const std::int64_t repo_id = repo_id_stmt->column_int64(0);
  MIRRORD_TRY_ASSIGN(const auto snapshot_id, find_snapshot_id(repo_id, entry.commit));
  if (!snapshot_id) {
    return {};
  }
  MIRRORD_TRY(insert_files(*snapshot_id, {entry.file}));
  MIRRORD_TRY_ASSIGN(auto totals, db_->prepare("UPDATE snapshots SET file_count = file_count + 1, "
                                               "total_bytes = total_bytes + ? WHERE id = ?"));
  MIRRORD_TRY(totals->bind_all(static_cast<std::int64_t>(entry.file.size), *snapshot_id));
  MIRRORD_TRY(totals->run());
  return {};
}

Status SqliteCatalog::release_quarantine(std::int64_t id, const std::string& reason,
                                         const std::optional<SnapshotTrust>& trust) {
  if (reason.empty()) {
    return make_error(ErrorCode::kInvalidInput, "a release needs a reason");
  }
  Lock lock(mutex_);
  MIRRORD_TRY_ASSIGN(auto transaction, Transaction::begin(*db_));
  MIRRORD_TRY_ASSIGN(const auto entry, quarantine_row(id));
  if (!entry) {
    return make_error(ErrorCode::kNotFound, "no quarantine entry " + std::to_string(id));
  }
  if (entry->released_at != 0) {
    return make_error(ErrorCode::kConflict, "quarantine entry " + std::to_string(id) +
                                                " was already released: " + entry->release_reason);
  }
  MIRRORD_TRY_ASSIGN(auto mark, db_->prepare("UPDATE quarantine SET released_at = ?, "
                                             "release_reason = ? WHERE id = ?"));
  MIRRORD_TRY(mark->bind_all(unix_now(), reason, id));
  MIRRORD_TRY(mark->run());
  MIRRORD_TRY(add_released_file(*entry));
  if (trust) {
    MIRRORD_TRY_ASSIGN(const auto repo_snapshot, [&]() -> Result<std::optional<std::int64_t>> {
      MIRRORD_TRY_ASSIGN(auto stmt, db_->prepare("SELECT s.id FROM snapshots s JOIN repos r ON "
                                                 "r.id = s.repo_id WHERE r.kind = ? AND "
                                                 "r.name = ? AND s.commit_sha = ?"));
      MIRRORD_TRY(stmt->bind_all(entry->repo.kind, entry->repo.name, entry->commit));
      MIRRORD_TRY_ASSIGN(const bool row, stmt->step());
      return row ? std::optional<std::int64_t>(stmt->column_int64(0)) : std::nullopt;
    }());
    if (repo_snapshot) {
      MIRRORD_TRY(write_trust(*repo_snapshot, *trust));
    }
  }
  return transaction.commit();
}

}  // namespace mirrord

namespace mirrord {
namespace {

Error not_forwarded(const char* method) {
  return make_error(ErrorCode::kInternal,
                    std::string("this catalog does not implement Catalog::") + method);
}

}  // namespace

Result<GcResult> Catalog::collect_garbage(const GcRequest&) {
  return not_forwarded("collect_garbage");
}
Result<std::uint64_t> Catalog::stored_bytes(const RepoSelector*) {
  return not_forwarded("stored_bytes");
}
Result<std::vector<ScheduleRecord>> Catalog::list_schedules() {
  return not_forwarded("list_schedules");
}
Status Catalog::record_schedule(const ScheduleRecord&) {
  return not_forwarded("record_schedule");
}
Result<std::vector<SnapshotInfo>> Catalog::list_snapshots() {
  return not_forwarded("list_snapshots");
}
Result<SnapshotTrust> Catalog::snapshot_trust(std::int64_t) {
  return not_forwarded("snapshot_trust");
}
Status Catalog::set_snapshot_trust(std::int64_t, const SnapshotTrust&) {
  return not_forwarded("set_snapshot_trust");
}
Result<std::int64_t> Catalog::record_quarantine(const QuarantineEntry&) {
  return not_forwarded("record_quarantine");
}
Result<std::vector<QuarantineEntry>> Catalog::list_quarantine(bool) {
  return not_forwarded("list_quarantine");
}
Result<std::optional<QuarantineEntry>> Catalog::find_quarantine(std::int64_t) {
  return not_forwarded("find_quarantine");
}
Result<std::optional<QuarantineEntry>> Catalog::find_release(const RepoKey&, const std::string&,
                                                             const Sha256&) {
  return not_forwarded("find_release");
}
Status Catalog::release_quarantine(std::int64_t, const std::string&,
                                   const std::optional<SnapshotTrust>&) {
  return not_forwarded("release_quarantine");
}

}  // namespace mirrord
