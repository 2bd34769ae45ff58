// SqliteCatalog maintenance: retention, garbage collection of blob rows, usage for quotas, and
// the schedule records (storage/catalog_maintenance.hpp says who references a blob).
#include <set>

#include "storage/sqlite_catalog.hpp"

namespace mirrord {
namespace {

struct RepoRow {
  std::int64_t id = 0;
  std::string kind;
  std::string name;
};

// "kind = ? AND <name matches>" for a selector, with its bindings appended by bind_selector().
std::string selector_condition(const RepoSelector& repos, const char* table) {
  const std::string column = std::string(table) + ".name";
  return std::string(table) + ".kind = ? AND " +
         (repos.prefix ? "substr(" + column + ", 1, ?) = ?" : column + " = ? AND ? = ?");
}

Status bind_selector(Statement& stmt, const RepoSelector& repos) {
  if (repos.prefix) {
    return stmt.bind_all(repos.kind, static_cast<std::int64_t>(repos.name.size()), repos.name);
  }
  return stmt.bind_all(repos.kind, repos.name, std::int64_t{0}, std::int64_t{0});
}

bool pinned(const std::string& commit, const std::vector<std::string>& pins,
            const std::set<std::string>& pinned_by_ref) {
  if (pinned_by_ref.contains(commit)) {
    return true;
  }
  for (const std::string& pin : pins) {
    if (pin.size() >= 7 && commit.compare(0, pin.size(), pin) == 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

Result<GcResult> SqliteCatalog::collect_garbage(const GcRequest& request) {
  Lock lock(mutex_);
  MIRRORD_TRY_ASSIGN(auto transaction, Transaction::begin(*db_));
  GcResult result;
  for (const RetentionRule& rule : request.retention) {
    if (rule.keep > 0) {
      MIRRORD_TRY(apply_retention(rule, result.unpublished));
    }
  }
  if (request.collect_blobs) {
    MIRRORD_TRY_ASSIGN(result.blobs, delete_unreferenced_blobs(request.cutoff));
    if (!request.dry_run && request.store != nullptr) {
      remove_blob_files(*request.store, result);
    }
  }
  if (!request.dry_run) {
    MIRRORD_TRY(transaction.commit());
  }
  return result;
}

Status SqliteCatalog::apply_retention(const RetentionRule& rule,
                                      std::vector<UnpublishedSnapshot>& unpublished) {
  std::vector<RepoRow> repos;
  {
    MIRRORD_TRY_ASSIGN(auto stmt, db_->prepare("SELECT r.id, r.kind, r.name FROM repos r WHERE " +
                                               selector_condition(rule.repos, "r")));
    MIRRORD_TRY(bind_selector(*stmt, rule.repos));
    for (;;) {
      MIRRORD_TRY_ASSIGN(const bool row, stmt->step());
      if (!row) {
        break;
      }
      repos.push_back(RepoRow{stmt->column_int64(0), stmt->column_text(1), stmt->column_text(2)});
    }
  }
  for (const RepoRow& repo : repos) {
    MIRRORD_TRY(trim_repo(repo.id, rule, [&](const std::string& commit) {
      unpublished.push_back(UnpublishedSnapshot{repo.kind, repo.name, commit});
    }));
  }
  return {};
}

Status SqliteCatalog::trim_repo(std::int64_t repo_id, const RetentionRule& rule,
                                const std::function<void(const std::string&)>& on_unpublish) {
  // Ref targets are always kept: a ref may only name a published snapshot. So are the snapshots
  // operators pinned.
  MIRRORD_TRY_ASSIGN(std::set<std::string> kept_by_ref, pinned_commits(repo_id));
  {
    MIRRORD_TRY_ASSIGN(auto refs, db_->prepare("SELECT commit_sha FROM refs WHERE repo_id = ?"));
    MIRRORD_TRY(refs->bind_all(repo_id));
    for (;;) {
      MIRRORD_TRY_ASSIGN(const bool row, refs->step());
      if (!row) {
        break;
      }
      kept_by_ref.insert(refs->column_text(0));
    }
  }
  std::vector<std::pair<std::int64_t, std::string>> doomed;
  {
    MIRRORD_TRY_ASSIGN(auto stmt, db_->prepare("SELECT id, commit_sha FROM snapshots WHERE "
                                               "repo_id = ? ORDER BY published_at DESC, id DESC"));
    MIRRORD_TRY(stmt->bind_all(repo_id));
    for (std::int64_t rank = 0;; ++rank) {
      MIRRORD_TRY_ASSIGN(const bool row, stmt->step());
      if (!row) {
        break;
      }
      std::string commit = stmt->column_text(1);
      if (rank >= rule.keep && !pinned(commit, rule.pins, kept_by_ref)) {
        doomed.emplace_back(stmt->column_int64(0), std::move(commit));
      }
    }
  }
  for (const auto& [id, commit] : doomed) {
    for (const char* sql : {"DELETE FROM snapshot_files WHERE snapshot_id = ?",
                            "DELETE FROM snapshot_blobs WHERE snapshot_id = ?",
                            "DELETE FROM snapshots WHERE id = ?"}) {
      MIRRORD_TRY_ASSIGN(auto stmt, db_->prepare(sql));
      MIRRORD_TRY(stmt->bind_all(id));
      MIRRORD_TRY(stmt->run());
    }
    on_unpublish(commit);
  }
  return {};
}

// Each NOT EXISTS is one lookup in the referencing table's sha256 index.
Result<std::vector<GcBlob>> SqliteCatalog::delete_unreferenced_blobs(std::int64_t cutoff) {
  std::vector<GcBlob> blobs;
  {
    MIRRORD_TRY_ASSIGN(
        auto stmt,
        db_->prepare("SELECT b.sha256, b.size FROM blobs b WHERE b.touched_at <= ? "
                     "AND NOT EXISTS (SELECT 1 FROM snapshot_files f WHERE f.sha256 = b.sha256) "
                     "AND NOT EXISTS (SELECT 1 FROM snapshot_blobs x WHERE x.sha256 = b.sha256) "
                     "AND NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.sha256 = b.sha256) "
                     "ORDER BY b.sha256"));
    MIRRORD_TRY(stmt->bind_all(cutoff));
    for (;;) {
      MIRRORD_TRY_ASSIGN(const bool row, stmt->step());
      if (!row) {
        break;
      }
      MIRRORD_TRY_ASSIGN(const Sha256 digest, sha256_column(*stmt, 0));
      blobs.push_back(GcBlob{digest, static_cast<std::uint64_t>(stmt->column_int64(1))});
    }
  }
  MIRRORD_TRY_ASSIGN(auto remove, db_->prepare("DELETE FROM blobs WHERE sha256 = ?"));
  for (const GcBlob& blob : blobs) {
    remove->reset();
    MIRRORD_TRY(remove->bind_all(blob.sha256.hex()));
    MIRRORD_TRY(remove->run());
  }
  return blobs;
}

// Called with mutex_ held and the rows deleted but not committed: a pull's next look-up of any of
// these blobs waits for the commit and then finds no row, so it fetches the bytes again instead
// of reusing a file removed here. A file already missing is no error.
void SqliteCatalog::remove_blob_files(BlobStore& store, GcResult& result) {
  for (const GcBlob& blob : result.blobs) {
    const Status removed = store.remove(blob.sha256);
    if (!removed && removed.error().code != ErrorCode::kNotFound) {
      result.errors.push_back(blob.sha256.hex() + ": " + removed.error().message);
    }
  }
}

Result<std::uint64_t> SqliteCatalog::stored_bytes(const RepoSelector* repos) {
  Lock lock(mutex_);
  if (repos == nullptr) {
    MIRRORD_TRY_ASSIGN(const std::int64_t total,
                       db_->query_int("SELECT COALESCE(SUM(size), 0) FROM blobs"));
    return static_cast<std::uint64_t>(total);
  }
  MIRRORD_TRY_ASSIGN(auto stmt, db_->prepare("SELECT COALESCE(SUM(b.size), 0) FROM blobs b "
                                             "WHERE b.sha256 IN (SELECT f.sha256 FROM "
                                             "snapshot_files f JOIN snapshots s ON "
                                             "s.id = f.snapshot_id JOIN repos r ON "
                                             "r.id = s.repo_id WHERE " +
                                             selector_condition(*repos, "r") + ")"));
  MIRRORD_TRY(bind_selector(*stmt, *repos));
  MIRRORD_TRY_ASSIGN(const bool row, stmt->step());
  return row ? static_cast<std::uint64_t>(stmt->column_int64(0)) : 0;
}

Result<std::vector<ScheduleRecord>> SqliteCatalog::list_schedules() {
  Lock lock(mutex_);
  MIRRORD_TRY_ASSIGN(auto stmt, db_->prepare("SELECT target, last_run_at, next_run_at, "
                                             "last_job_id FROM schedules ORDER BY target"));
  std::vector<ScheduleRecord> records;
  for (;;) {
    MIRRORD_TRY_ASSIGN(const bool row, stmt->step());
    if (!row) {
      return records;
    }
    records.push_back(ScheduleRecord{stmt->column_text(0), stmt->column_int64(1),
                                     stmt->column_int64(2), stmt->column_int64(3)});
  }
}

Status SqliteCatalog::record_schedule(const ScheduleRecord& record) {
  Lock lock(mutex_);
  MIRRORD_TRY_ASSIGN(auto stmt,
                     db_->prepare("INSERT INTO schedules (target, last_run_at, next_run_at, "
                                  "last_job_id) VALUES (?, ?, ?, ?) ON CONFLICT (target) DO "
                                  "UPDATE SET last_run_at = excluded.last_run_at, "
                                  "next_run_at = excluded.next_run_at, "
                                  "last_job_id = excluded.last_job_id"));
  MIRRORD_TRY(
      stmt->bind_all(record.target, record.last_run_at, record.next_run_at, record.last_job_id));
  return stmt->run();
}

}  // namespace mirrord
