// SqliteCatalog: operator pins and recorded upstream changes (storage/catalog_protection.hpp).
#include "storage/sqlite_catalog.hpp"

namespace mirrord {
namespace {

// A commit may be named by a prefix this long or longer, as `git` and the `pin` policy key do.
constexpr std::size_t kShortestCommitPrefix = 7;

constexpr const char* kPinColumns =
    "SELECT r.kind, r.name, p.name, p.commit_sha, p.reason, p.created_at "
    "FROM pins p JOIN repos r ON r.id = p.repo_id ";

PinRecord read_pin_row(const Statement& stmt) {
  return PinRecord{stmt.column_text(0), stmt.column_text(1), stmt.column_text(2),
                   stmt.column_text(3), stmt.column_text(4), stmt.column_int64(5)};
}

Error not_mirrored(const RepoKey& repo) {
  return make_error(ErrorCode::kNotFound, repo.name + " is not mirrored; pull it first");
}

}  // namespace

Result<std::optional<std::int64_t>> SqliteCatalog::find_repo_id(const RepoKey& repo) {
  MIRRORD_TRY_ASSIGN(auto stmt, db_->prepare("SELECT id FROM repos WHERE kind = ? AND name = ?"));
  MIRRORD_TRY(stmt->bind_all(repo.kind, repo.name));
  MIRRORD_TRY_ASSIGN(const bool row, stmt->step());
  return row ? std::optional<std::int64_t>(stmt->column_int64(0)) : std::nullopt;
}

Result<std::optional<std::string>> SqliteCatalog::pinned_ref_commit(std::int64_t repo_id,
                                                                    const std::string& ref) {
  MIRRORD_TRY_ASSIGN(auto stmt, db_->prepare("SELECT commit_sha FROM pins WHERE repo_id = ? AND "
                                             "name = ? AND name != commit_sha"));
  MIRRORD_TRY(stmt->bind_all(repo_id, ref));
  MIRRORD_TRY_ASSIGN(const bool row, stmt->step());
  return row ? std::optional<std::string>(stmt->column_text(0)) : std::nullopt;
}

Result<std::set<std::string>> SqliteCatalog::pinned_commits(std::int64_t repo_id) {
  MIRRORD_TRY_ASSIGN(auto stmt, db_->prepare("SELECT commit_sha FROM pins WHERE repo_id = ?"));
  MIRRORD_TRY(stmt->bind_all(repo_id));
  std::set<std::string> commits;
  for (;;) {
    MIRRORD_TRY_ASSIGN(const bool row, stmt->step());
    if (!row)
      return commits;
    commits.insert(stmt->column_text(0));
  }
}

// The one published commit `revision` names in full or by a prefix; nullopt when none does.
Result<std::optional<std::string>> SqliteCatalog::match_commit(std::int64_t repo_id,
                                                               const std::string& revision) {
  MIRRORD_TRY_ASSIGN(auto stmt, db_->prepare("SELECT commit_sha FROM snapshots WHERE repo_id = ? "
                                             "AND substr(commit_sha, 1, ?) = ? LIMIT 2"));
  MIRRORD_TRY(stmt->bind_all(repo_id, static_cast<std::int64_t>(revision.size()), revision));
  std::vector<std::string> found;
  for (;;) {
    MIRRORD_TRY_ASSIGN(const bool row, stmt->step());
    if (!row)
      break;
    found.push_back(stmt->column_text(0));
  }
  if (found.empty() || (revision.size() < kShortestCommitPrefix && found[0] != revision)) {
    return std::optional<std::string>();
  }
  if (found.size() > 1) {
    return make_error(ErrorCode::kInvalidInput,
                      "'" + revision + "' names more than one snapshot; give more of the commit");
  }
  return std::optional<std::string>(found[0]);
}

Result<PinRecord> SqliteCatalog::pin(const RepoKey& repo, const std::string& revision,
                                     const std::string& reason) {
  Lock lock(mutex_);
  MIRRORD_TRY_ASSIGN(auto transaction, Transaction::begin(*db_));
  MIRRORD_TRY_ASSIGN(const auto repo_id, find_repo_id(repo));
  if (!repo_id)
    return not_mirrored(repo);
  PinRecord record{repo.kind, repo.name, revision, "", reason, unix_now()};
  MIRRORD_TRY_ASSIGN(auto ref, db_->prepare("SELECT commit_sha FROM refs WHERE repo_id = ? AND "
                                            "name = ?"));
  MIRRORD_TRY(ref->bind_all(*repo_id, revision));
  MIRRORD_TRY_ASSIGN(const bool is_ref, ref->step());
  if (is_ref) {
    record.commit = ref->column_text(0);
  } else {
    MIRRORD_TRY_ASSIGN(const auto commit, match_commit(*repo_id, revision));
    if (!commit) {
      return make_error(ErrorCode::kNotFound,
                        repo.name + " has no ref or published commit '" + revision + "'");
    }
    record.name = record.commit = *commit;
  }
  MIRRORD_TRY_ASSIGN(auto insert,
                     db_->prepare("INSERT INTO pins (repo_id, name, commit_sha, reason, "
                                  "created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (repo_id, name) "
                                  "DO UPDATE SET reason = excluded.reason"));
  MIRRORD_TRY(
      insert->bind_all(*repo_id, record.name, record.commit, record.reason, record.created_at));
  MIRRORD_TRY(insert->run());
  MIRRORD_TRY(transaction.commit());
  return record;
}

Result<PinRecord> SqliteCatalog::unpin(const RepoKey& repo, const std::string& revision) {
  Lock lock(mutex_);
  MIRRORD_TRY_ASSIGN(auto transaction, Transaction::begin(*db_));
  MIRRORD_TRY_ASSIGN(const auto repo_id, find_repo_id(repo));
  if (!repo_id)
    return not_mirrored(repo);
  std::string name = revision;
  MIRRORD_TRY_ASSIGN(const auto commit, match_commit(*repo_id, revision));
  if (commit) {
    MIRRORD_TRY_ASSIGN(auto by_name, db_->prepare("SELECT 1 FROM pins WHERE repo_id = ? AND "
                                                  "name = ?"));
    MIRRORD_TRY(by_name->bind_all(*repo_id, revision));
    MIRRORD_TRY_ASSIGN(const bool named, by_name->step());
    if (!named)
      name = *commit;
  }
  MIRRORD_TRY_ASSIGN(auto select,
                     db_->prepare(std::string(kPinColumns) + "WHERE p.repo_id = ? AND p.name = ?"));
  MIRRORD_TRY(select->bind_all(*repo_id, name));
  MIRRORD_TRY_ASSIGN(const bool found, select->step());
  if (!found) {
    return make_error(ErrorCode::kNotFound, repo.name + " has no pin '" + revision + "'");
  }
  PinRecord record = read_pin_row(*select);
  select->reset();
  MIRRORD_TRY_ASSIGN(auto remove, db_->prepare("DELETE FROM pins WHERE repo_id = ? AND name = ?"));
  MIRRORD_TRY(remove->bind_all(*repo_id, name));
  MIRRORD_TRY(remove->run());
  MIRRORD_TRY(transaction.commit());
  return record;
}

Result<std::vector<PinRecord>> SqliteCatalog::list_pins(const RepoKey* repo) {
  Lock lock(mutex_);
  MIRRORD_TRY_ASSIGN(auto stmt, db_->prepare(std::string(kPinColumns) +
                                             (repo ? "WHERE r.kind = ? AND r.name = ? " : "") +
                                             "ORDER BY r.kind, r.name, p.name"));
  if (repo) {
    MIRRORD_TRY(stmt->bind_all(repo->kind, repo->name));
  }
  std::vector<PinRecord> pins;
  for (;;) {
    MIRRORD_TRY_ASSIGN(const bool row, stmt->step());
    if (!row)
      return pins;
    pins.push_back(read_pin_row(*stmt));
  }
}

Status SqliteCatalog::insert_upstream_change(const UpstreamChange& change, bool& inserted) {
  MIRRORD_TRY_ASSIGN(auto seen, db_->prepare("SELECT 1 FROM upstream_changes WHERE repo_kind = ? "
                                             "AND repo_name = ? AND change = ? AND detail = ?"));
  MIRRORD_TRY(seen->bind_all(change.kind, change.repo, change.change, change.detail));
  MIRRORD_TRY_ASSIGN(const bool already, seen->step());
  inserted = !already;
  if (already)
    return {};
  MIRRORD_TRY_ASSIGN(auto insert,
                     db_->prepare("INSERT INTO upstream_changes (repo_kind, repo_name, change, "
                                  "detail, recorded_at) VALUES (?, ?, ?, ?, ?)"));
  MIRRORD_TRY(insert->bind_all(change.kind, change.repo, change.change, change.detail,
                               change.recorded_at > 0 ? change.recorded_at : unix_now()));
  return insert->run();
}

Result<bool> SqliteCatalog::record_upstream_change(const UpstreamChange& change) {
  if (change.kind.empty() || change.repo.empty() || change.change.empty()) {
    return make_error(ErrorCode::kInvalidInput, "an upstream change needs a repo and a kind");
  }
  Lock lock(mutex_);
  bool inserted = false;
  MIRRORD_TRY(insert_upstream_change(change, inserted));
  return inserted;
}

Result<std::vector<UpstreamChange>> SqliteCatalog::list_upstream_changes(const RepoKey* repo) {
  Lock lock(mutex_);
  MIRRORD_TRY_ASSIGN(auto stmt,
                     db_->prepare(std::string("SELECT id, repo_kind, repo_name, "
                                              "change, detail, recorded_at FROM "
                                              "upstream_changes ") +
                                  (repo ? "WHERE repo_kind = ? AND repo_name = ? " : "") +
                                  "ORDER BY recorded_at DESC, id DESC"));
  if (repo) {
    MIRRORD_TRY(stmt->bind_all(repo->kind, repo->name));
  }
  std::vector<UpstreamChange> changes;
  for (;;) {
    MIRRORD_TRY_ASSIGN(const bool row, stmt->step());
    if (!row)
      return changes;
    changes.push_back(UpstreamChange{stmt->column_int64(0), stmt->column_text(1),
                                     stmt->column_text(2), stmt->column_text(3),
                                     stmt->column_text(4), stmt->column_int64(5)});
  }
}

namespace {
Error not_implemented(const char* method) {
  return make_error(ErrorCode::kInternal,
                    std::string("this catalog does not implement Catalog::") + method);
}
}  // namespace

Result<PinRecord> Catalog::pin(const RepoKey&, const std::string&, const std::string&) {
  return not_implemented("pin");
}
Result<PinRecord> Catalog::unpin(const RepoKey&, const std::string&) {
  return not_implemented("unpin");
}
Result<std::vector<PinRecord>> Catalog::list_pins(const RepoKey*) {
  return not_implemented("list_pins");
}
Result<bool> Catalog::record_upstream_change(const UpstreamChange&) {
  return not_implemented("record_upstream_change");
}
Result<std::vector<UpstreamChange>> Catalog::list_upstream_changes(const RepoKey*) {
  return not_implemented("list_upstream_changes");
}

}  // namespace mirrord
