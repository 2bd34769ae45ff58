// Catalog::open and the read side of the SQLite catalog (blobs, snapshots, files, refs).
#include "storage/catalog.hpp"

#include <system_error>

#include "storage/catalog_schema.hpp"
#include "storage/sqlite_catalog.hpp"

namespace mirrord {
namespace {

// WAL lets readers (the HTTP side) run while a publish writes. synchronous=FULL rather than
// NORMAL: under WAL, NORMAL never corrupts the database but a power cut may roll back the last
// commits, and a publish that `mirrorctl pull` has already reported as done must not silently
// disappear. The catalog writes little (publishes, job progress), so one more fsync per commit
// costs nothing noticeable.
Status configure_connection(SqliteDb& db) {
  MIRRORD_TRY(db.exec("PRAGMA busy_timeout = 5000"));
  MIRRORD_TRY_ASSIGN(const std::string mode, db.query_text("PRAGMA journal_mode = WAL"));
  if (mode != "wal") {
    return make_error(ErrorCode::kIo,
                      "sqlite: cannot switch the catalog to WAL (got " + mode + ")");
  }
  MIRRORD_TRY(db.exec("PRAGMA synchronous = FULL"));
  return db.exec("PRAGMA foreign_keys = ON");
}

Error corrupt_column(const char* what) {
  return make_error(ErrorCode::kInternal, std::string("catalog holds a malformed ") + what);
}

Result<SnapshotFile> read_file_row(const Statement& stmt) {
  SnapshotFile file;
  file.path = stmt.column_text(0);
  MIRRORD_TRY_ASSIGN(file.sha256, sha256_column(stmt, 1));
  MIRRORD_TRY_ASSIGN(file.git_oid, git_oid_column(stmt, 2));
  file.lfs = stmt.column_int64(3) != 0;
  file.size = static_cast<std::uint64_t>(stmt.column_int64(4));
  return file;
}

constexpr const char* kFileColumns = "SELECT path, sha256, git_oid, lfs, size FROM snapshot_files ";

}  // namespace

Result<Sha256> sha256_column(const Statement& stmt, int column) {
  auto digest = Sha256::from_hex(stmt.column_text(column));
  if (!digest)
    return corrupt_column("sha256");
  return *digest;
}

Result<GitOid> git_oid_column(const Statement& stmt, int column) {
  auto oid = GitOid::from_hex(stmt.column_text(column));
  if (!oid)
    return corrupt_column("git oid");
  return *oid;
}

Result<std::unique_ptr<Catalog>> Catalog::open(const std::filesystem::path& db_path) {
  if (db_path.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(db_path.parent_path(), ec);
    if (ec) {
      return make_error(ErrorCode::kIo,
                        "create " + db_path.parent_path().string() + ": " + ec.message());
    }
  }
  MIRRORD_TRY_ASSIGN(auto db, SqliteDb::open(db_path));
  MIRRORD_TRY(configure_connection(*db));
  MIRRORD_TRY(apply_migrations(*db));
  return std::unique_ptr<Catalog>(std::make_unique<SqliteCatalog>(std::move(db)));
}

int SqliteCatalog::schema_version() {
  Lock lock(mutex_);
  auto version = db_->query_int("PRAGMA user_version");
  return version ? static_cast<int>(*version) : -1;
}

Status SqliteCatalog::record_blob(const BlobInfo& blob) {
  Lock lock(mutex_);
  MIRRORD_TRY_ASSIGN(auto stmt,
                     db_->prepare("INSERT INTO blobs (sha256, size, git_oid, created_at, "
                                  "touched_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (sha256) "
                                  "DO UPDATE SET touched_at = excluded.touched_at, git_oid = "
                                  "CASE WHEN blobs.git_oid = '' THEN excluded.git_oid "
                                  "ELSE blobs.git_oid END"));
  // '' stands for a git blob id never computed (LFS content); a later ingest that computed it
  // fills it in.
  const std::int64_t now = unix_now();
  MIRRORD_TRY(stmt->bind_all(blob.sha256.hex(), static_cast<std::int64_t>(blob.size),
                             blob.git_oid ? blob.git_oid->hex() : std::string(), now, now));
  return stmt->run();
}

Result<std::optional<BlobInfo>> SqliteCatalog::find_blob(const Sha256& digest) {
  Lock lock(mutex_);
  MIRRORD_TRY_ASSIGN(auto stmt, db_->prepare("SELECT size, git_oid FROM blobs WHERE sha256 = ?"));
  MIRRORD_TRY(stmt->bind_all(digest.hex()));
  MIRRORD_TRY_ASSIGN(const bool row, stmt->step());
  if (!row)
    return std::optional<BlobInfo>();
  BlobInfo blob{digest, {}, static_cast<std::uint64_t>(stmt->column_int64(0))};
  if (!stmt->column_text(1).empty()) {
    MIRRORD_TRY_ASSIGN(blob.git_oid, git_oid_column(*stmt, 1));
  }
  return std::optional<BlobInfo>(blob);
}

Result<std::optional<BlobInfo>> SqliteCatalog::find_blob_by_git_oid(const GitOid& oid) {
  Lock lock(mutex_);
  MIRRORD_TRY_ASSIGN(auto stmt,
                     db_->prepare("SELECT sha256, size FROM blobs WHERE git_oid = ? LIMIT 1"));
  MIRRORD_TRY(stmt->bind_all(oid.hex()));
  MIRRORD_TRY_ASSIGN(const bool row, stmt->step());
  if (!row)
    return std::optional<BlobInfo>();
  BlobInfo blob{{}, oid, static_cast<std::uint64_t>(stmt->column_int64(1))};
  MIRRORD_TRY_ASSIGN(blob.sha256, sha256_column(*stmt, 0));
  return std::optional<BlobInfo>(blob);
}

Result<bool> SqliteCatalog::repo_exists(const RepoKey& repo) {
  Lock lock(mutex_);
  MIRRORD_TRY_ASSIGN(auto stmt, db_->prepare("SELECT 1 FROM repos WHERE kind = ? AND name = ?"));
  MIRRORD_TRY(stmt->bind_all(repo.kind, repo.name));
  return stmt->step();
}

Result<std::optional<SnapshotInfo>> SqliteCatalog::find_snapshot(const RepoKey& repo,
                                                                 const std::string& commit) {
  Lock lock(mutex_);
  MIRRORD_TRY_ASSIGN(auto stmt,
                     db_->prepare("SELECT s.id, s.published_at, s.file_count, s.total_bytes, "
                                  "s.info_json FROM snapshots s JOIN repos r ON r.id = s.repo_id "
                                  "WHERE r.kind = ? AND r.name = ? AND s.commit_sha = ?"));
  MIRRORD_TRY(stmt->bind_all(repo.kind, repo.name, commit));
  MIRRORD_TRY_ASSIGN(const bool row, stmt->step());
  if (!row)
    return std::optional<SnapshotInfo>();
  return std::optional<SnapshotInfo>(SnapshotInfo{
      .id = stmt->column_int64(0),
      .repo = repo,
      .commit = commit,
      .published_at = stmt->column_int64(1),
      .file_count = static_cast<std::uint64_t>(stmt->column_int64(2)),
      .total_bytes = static_cast<std::uint64_t>(stmt->column_int64(3)),
      .info_json = stmt->column_text(4),
  });
}

Result<std::optional<std::string>> SqliteCatalog::resolve_ref(const RepoKey& repo,
                                                              const std::string& ref) {
  Lock lock(mutex_);
  MIRRORD_TRY_ASSIGN(auto stmt, db_->prepare("SELECT f.commit_sha FROM refs f "
                                             "JOIN repos r ON r.id = f.repo_id "
                                             "WHERE r.kind = ? AND r.name = ? AND f.name = ?"));
  MIRRORD_TRY(stmt->bind_all(repo.kind, repo.name, ref));
  MIRRORD_TRY_ASSIGN(const bool row, stmt->step());
  if (!row)
    return std::optional<std::string>();
  return std::optional<std::string>(stmt->column_text(0));
}

Result<std::vector<RefInfo>> SqliteCatalog::list_refs(const RepoKey& repo) {
  Lock lock(mutex_);
  MIRRORD_TRY_ASSIGN(auto stmt, db_->prepare("SELECT f.name, f.commit_sha, f.updated_at "
                                             "FROM refs f JOIN repos r ON r.id = f.repo_id "
                                             "WHERE r.kind = ? AND r.name = ? ORDER BY f.name"));
  MIRRORD_TRY(stmt->bind_all(repo.kind, repo.name));
  std::vector<RefInfo> refs;
  for (;;) {
    MIRRORD_TRY_ASSIGN(const bool row, stmt->step());
    if (!row)
      return refs;
    refs.push_back({stmt->column_text(0), stmt->column_text(1), stmt->column_int64(2)});
  }
}

Result<std::vector<SnapshotFile>> SqliteCatalog::list_files(std::int64_t snapshot_id) {
  Lock lock(mutex_);
  MIRRORD_TRY_ASSIGN(
      auto stmt, db_->prepare(std::string(kFileColumns) + "WHERE snapshot_id = ? ORDER BY path"));
  MIRRORD_TRY(stmt->bind_all(snapshot_id));
  std::vector<SnapshotFile> files;
  for (;;) {
    MIRRORD_TRY_ASSIGN(const bool row, stmt->step());
    if (!row)
      return files;
    MIRRORD_TRY_ASSIGN(auto file, read_file_row(*stmt));
    files.push_back(std::move(file));
  }
}

Result<std::optional<SnapshotFile>> SqliteCatalog::find_file(std::int64_t snapshot_id,
                                                             const std::string& path) {
  Lock lock(mutex_);
  MIRRORD_TRY_ASSIGN(
      auto stmt, db_->prepare(std::string(kFileColumns) + "WHERE snapshot_id = ? AND path = ?"));
  MIRRORD_TRY(stmt->bind_all(snapshot_id, path));
  MIRRORD_TRY_ASSIGN(const bool row, stmt->step());
  if (!row)
    return std::optional<SnapshotFile>();
  MIRRORD_TRY_ASSIGN(auto file, read_file_row(*stmt));
  return std::optional<SnapshotFile>(std::move(file));
}

Result<std::vector<RepoSummary>> SqliteCatalog::list_repos() {
  Lock lock(mutex_);
  MIRRORD_TRY_ASSIGN(
      auto stmt,
      db_->prepare("SELECT r.kind, r.name, f.name, f.commit_sha, s.file_count, s.total_bytes, "
                   "s.published_at, EXISTS (SELECT 1 FROM pins p WHERE p.repo_id = f.repo_id "
                   "AND (p.name = f.name OR p.commit_sha = f.commit_sha)) "
                   "FROM refs f JOIN repos r ON r.id = f.repo_id "
                   "JOIN snapshots s ON s.repo_id = f.repo_id AND s.commit_sha = f.commit_sha "
                   "ORDER BY r.kind, r.name, f.name"));
  std::vector<RepoSummary> repos;
  for (;;) {
    MIRRORD_TRY_ASSIGN(const bool row, stmt->step());
    if (!row)
      return repos;
    repos.push_back(RepoSummary{
        .repo = {stmt->column_text(0), stmt->column_text(1)},
        .ref = stmt->column_text(2),
        .commit = stmt->column_text(3),
        .file_count = static_cast<std::uint64_t>(stmt->column_int64(4)),
        .total_bytes = static_cast<std::uint64_t>(stmt->column_int64(5)),
        .published_at = stmt->column_int64(6),
        .state = "published",
        .pinned = stmt->column_int64(7) != 0,
    });
  }
}

}  // namespace mirrord
