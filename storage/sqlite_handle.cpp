#include "storage/sqlite_handle.hpp"

#include <sqlite3.h>

namespace mirrord {

Error sqlite_error(sqlite3* db, const std::string& what) {
  return make_error(ErrorCode::kIo, "sqlite: " + what + ": " + sqlite3_errmsg(db));
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

Status Statement::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) {
    return sqlite_error(db_, "bind");
  }
  return {};
}

Status Statement::bind(int index, std::string_view text) {
  // SQLITE_TRANSIENT: SQLite copies the bytes, so the caller's buffer may go away before step().
  if (sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8) !=
      SQLITE_OK) {
    return sqlite_error(db_, "bind");
  }
  return {};
}

Result<bool> Statement::step() {
  switch (sqlite3_step(stmt_)) {
    case SQLITE_ROW:
      return true;
    case SQLITE_DONE:
      return false;
    default:
      return sqlite_error(db_, sqlite3_sql(stmt_));
  }
}

Status Statement::run() {
  MIRRORD_TRY_ASSIGN(bool row, step());
  if (row) {
    return make_error(ErrorCode::kInternal,
                      std::string("statement returned a row: ") + sqlite3_sql(stmt_));
  }
  return {};
}

std::int64_t Statement::column_int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string Statement::column_text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  return text == nullptr
             ? std::string()
             : std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Result<std::unique_ptr<SqliteDb>> SqliteDb::open(const std::filesystem::path& path) {
  sqlite3* raw = nullptr;
  // NOMUTEX: the catalog serializes all use of the connection with its own mutex, which must also
  // span whole transactions; SQLite's per-call mutex would add nothing.
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  std::unique_ptr<SqliteDb> db(new SqliteDb(raw));  // owns the handle even when open failed
  if (rc != SQLITE_OK) {
    return sqlite_error(raw, "open " + path.string());
  }
  sqlite3_extended_result_codes(raw, 1);
  return db;
}

SqliteDb::~SqliteDb() {
  cache_.clear();  // statements must be finalized before the connection can close
  sqlite3_close(db_);
}

Status SqliteDb::exec(const std::string& sql) {
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return sqlite_error(db_, sql);
  }
  return {};
}

Result<std::int64_t> SqliteDb::query_int(const std::string& sql) {
  MIRRORD_TRY_ASSIGN(auto stmt, prepare(sql));
  MIRRORD_TRY_ASSIGN(bool row, stmt->step());
  if (!row) {
    return make_error(ErrorCode::kInternal, "no row from " + sql);
  }
  return stmt->column_int64(0);
}

Result<std::string> SqliteDb::query_text(const std::string& sql) {
  MIRRORD_TRY_ASSIGN(auto stmt, prepare(sql));
  MIRRORD_TRY_ASSIGN(bool row, stmt->step());
  if (!row) {
    return make_error(ErrorCode::kInternal, "no row from " + sql);
  }
  return stmt->column_text(0);
}

Result<StatementLease> SqliteDb::prepare(const std::string& sql) {
  auto cached = cache_.find(sql);
  if (cached == cache_.end()) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size() + 1),
                           SQLITE_PREPARE_PERSISTENT, &raw, nullptr) != SQLITE_OK) {
      return sqlite_error(db_, "prepare " + sql);
    }
    cached = cache_.emplace(sql, std::make_unique<Statement>(db_, raw)).first;
  }
  return StatementLease(cached->second.get());
}

std::int64_t SqliteDb::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_);
}

int SqliteDb::changes() const {
  return sqlite3_changes(db_);
}

Result<Transaction> Transaction::begin(SqliteDb& db) {
  // IMMEDIATE takes the write lock now, so a transaction never fails halfway with SQLITE_BUSY
  // when it upgrades from reading to writing.
  MIRRORD_TRY(db.exec("BEGIN IMMEDIATE"));
  return Transaction(&db);
}

Transaction::~Transaction() {
  if (db_ != nullptr) {
    (void)db_->exec("ROLLBACK");
  }
}

Status Transaction::commit() {
  MIRRORD_TRY(db_->exec("COMMIT"));
  db_ = nullptr;
  return {};
}

}  // namespace mirrord
