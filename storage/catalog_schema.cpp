#include "storage/catalog_schema.hpp"

#include <array>
#include <string>

namespace mirrord {
namespace {

// Digests are lower-case hex text: readable in the sqlite3 shell, and what every caller prints.
constexpr std::array kMigrations = {
    // 1: blobs, repos, snapshots and their files, refs, jobs.
    R"sql(
CREATE TABLE blobs (
  sha256     TEXT PRIMARY KEY,
  size       INTEGER NOT NULL,
  git_oid    TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX blobs_by_git_oid ON blobs(git_oid);

CREATE TABLE repos (
  id   INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  UNIQUE (kind, name)
);

CREATE TABLE snapshots (
  id           INTEGER PRIMARY KEY,
  repo_id      INTEGER NOT NULL REFERENCES repos(id),
  commit_sha   TEXT NOT NULL,
  published_at INTEGER NOT NULL,
  file_count   INTEGER NOT NULL,
  total_bytes  INTEGER NOT NULL,
  info_json    TEXT NOT NULL,
  UNIQUE (repo_id, commit_sha)
);

CREATE TABLE snapshot_files (
  snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
  path        TEXT NOT NULL,
  sha256      TEXT NOT NULL REFERENCES blobs(sha256),
  git_oid     TEXT NOT NULL,
  lfs         INTEGER NOT NULL,
  size        INTEGER NOT NULL,
  PRIMARY KEY (snapshot_id, path)
) WITHOUT ROWID;
-- Garbage collection asks which blobs are still referenced; the foreign key check on a blob
-- delete asks the same.
CREATE INDEX snapshot_files_by_sha256 ON snapshot_files(sha256);

-- A ref can only point at a published snapshot of its own repo.
CREATE TABLE refs (
  repo_id    INTEGER NOT NULL REFERENCES repos(id),
  name       TEXT NOT NULL,
  commit_sha TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (repo_id, name),
  FOREIGN KEY (repo_id, commit_sha) REFERENCES snapshots(repo_id, commit_sha)
);

CREATE TABLE jobs (
  id          INTEGER PRIMARY KEY,
  target      TEXT NOT NULL,
  key         TEXT NOT NULL,
  state       TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  files_total INTEGER NOT NULL DEFAULT 0,
  files_done  INTEGER NOT NULL DEFAULT 0,
  bytes_total INTEGER NOT NULL DEFAULT 0,
  bytes_done  INTEGER NOT NULL DEFAULT 0,
  commit_sha  TEXT NOT NULL DEFAULT '',
  error       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX jobs_by_state ON jobs(state);
)sql",
    // 2: what the mirror concluded about a snapshot (verdict, signed manifest), and quarantine.
    R"sql(
ALTER TABLE snapshots ADD COLUMN verdict_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE snapshots ADD COLUMN manifest TEXT NOT NULL DEFAULT '';
ALTER TABLE snapshots ADD COLUMN manifest_signature TEXT NOT NULL DEFAULT '';

-- A refused file: its blob is kept (the foreign key also keeps a blob delete from dropping it)
-- but no snapshot lists it until it is released.
CREATE TABLE quarantine (
  id             INTEGER PRIMARY KEY,
  repo_kind      TEXT NOT NULL,
  repo_name      TEXT NOT NULL,
  commit_sha     TEXT NOT NULL,
  path           TEXT NOT NULL,
  sha256         TEXT NOT NULL REFERENCES blobs(sha256),
  git_oid        TEXT NOT NULL,
  lfs            INTEGER NOT NULL,
  size           INTEGER NOT NULL,
  reason         TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  released_at    INTEGER NOT NULL DEFAULT 0,
  release_reason TEXT NOT NULL DEFAULT '',
  UNIQUE (repo_kind, repo_name, commit_sha, path)
);
CREATE INDEX quarantine_by_sha256 ON quarantine(sha256);
)sql",
    // 3: garbage collection, retention and schedules.
    R"sql(
-- When a pull last recorded (ingested or reused) the blob: the grace period of GC counts from it.
ALTER TABLE blobs ADD COLUMN touched_at INTEGER NOT NULL DEFAULT 0;
UPDATE blobs SET touched_at = created_at;

-- Blobs a snapshot needs besides its files: a wheel's core metadata (PyPI).
CREATE TABLE snapshot_blobs (
  snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
  sha256      TEXT NOT NULL REFERENCES blobs(sha256),
  PRIMARY KEY (snapshot_id, sha256)
) WITHOUT ROWID;
CREATE INDEX snapshot_blobs_by_sha256 ON snapshot_blobs(sha256);
-- PyPI snapshots published before this version name their metadata blobs in info_json only.
INSERT OR IGNORE INTO snapshot_blobs (snapshot_id, sha256)
  SELECT s.id, json_extract(f.value, '$.core_metadata')
  FROM snapshots s JOIN repos r ON r.id = s.repo_id,
       json_each(CASE WHEN json_valid(s.info_json) THEN s.info_json ELSE '{}' END, '$.files') f
  WHERE r.kind = 'pypi'
    AND json_extract(f.value, '$.core_metadata') IN (SELECT sha256 FROM blobs);

-- Scheduled syncs: one row per policy name with a schedule.
CREATE TABLE schedules (
  target      TEXT PRIMARY KEY,
  last_run_at INTEGER NOT NULL DEFAULT 0,
  next_run_at INTEGER NOT NULL DEFAULT 0,
  last_job_id INTEGER NOT NULL DEFAULT 0
);
)sql",
    // 4: operator pins and recorded upstream changes (storage/catalog_protection.hpp).
    R"sql(
-- A pin keeps one snapshot: `name` is the pinned ref, or the commit itself. The foreign key also
-- keeps a pinned snapshot from being deleted by anything that forgets to look here.
CREATE TABLE pins (
  repo_id    INTEGER NOT NULL REFERENCES repos(id),
  name       TEXT NOT NULL,
  commit_sha TEXT NOT NULL,
  reason     TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (repo_id, name),
  FOREIGN KEY (repo_id, commit_sha) REFERENCES snapshots(repo_id, commit_sha)
);

-- What upstreams did that the mirror did not follow; kept by repo name so that a record outlives
-- everything else about the repo.
CREATE TABLE upstream_changes (
  id          INTEGER PRIMARY KEY,
  repo_kind   TEXT NOT NULL,
  repo_name   TEXT NOT NULL,
  change      TEXT NOT NULL,
  detail      TEXT NOT NULL,
  recorded_at INTEGER NOT NULL
);
CREATE INDEX upstream_changes_by_repo ON upstream_changes(repo_kind, repo_name, change, detail);
)sql",
};

Status apply_one(SqliteDb& db, int version) {
  MIRRORD_TRY_ASSIGN(auto transaction, Transaction::begin(db));
  // Read again under the write lock: another process may have applied this step meanwhile.
  MIRRORD_TRY_ASSIGN(const std::int64_t current, db.query_int("PRAGMA user_version"));
  if (current > version) {
    return transaction.commit();
  }
  MIRRORD_TRY(db.exec(kMigrations[static_cast<std::size_t>(version)]));
  MIRRORD_TRY(db.exec("PRAGMA user_version = " + std::to_string(version + 1)));
  return transaction.commit();
}

}  // namespace

int latest_schema_version() {
  return static_cast<int>(kMigrations.size());
}

Status apply_migrations(SqliteDb& db) {
  MIRRORD_TRY_ASSIGN(const std::int64_t current, db.query_int("PRAGMA user_version"));
  if (current > latest_schema_version()) {
    return make_error(ErrorCode::kInvalidInput, "catalog schema version " +
                                                    std::to_string(current) +
                                                    " is newer than this build supports (" +
                                                    std::to_string(latest_schema_version()) + ")");
  }
  for (int version = static_cast<int>(current); version < latest_schema_version(); ++version) {
    MIRRORD_TRY(apply_one(db, version));
  }
  return {};
}

}  // namespace mirrord
