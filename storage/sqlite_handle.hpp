// Private to storage/: RAII owners of a SQLite connection and its prepared statements, and the
// one place where SQLite result codes become Errors (sqlite3_errmsg -> Error{kIo, ...}).
//
// Not thread-safe: the owner (SqliteCatalog) serializes every use behind its own mutex.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "storage/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace mirrord {

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in SQLite.
  Status bind(int index, std::int64_t value);
  Status bind(int index, std::string_view text);

  // Binds each argument to the next parameter, left to right, stopping at the first failure.
  template <class... Args>
  Status bind_all(const Args&... args) {
    int index = 0;
    Status status;
    (void)(((status = bind(++index, args)).ok()) && ...);
    return status;
  }

  Result<bool> step();  // true: a row is ready; false: done
  Status run();         // steps a statement that returns no rows

  std::int64_t column_int64(int column) const;  // 0-based, as in SQLite
  std::string column_text(int column) const;

  void reset();  // ready to be bound and run again; ends any read it was in the middle of

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

// A cached statement lent for one use; resetting it on return releases its read snapshot
// (a statement left mid-read would pin the WAL and block checkpoints).
class StatementLease {
 public:
  explicit StatementLease(Statement* stmt) : stmt_(stmt) {}
  ~StatementLease() {
    if (stmt_ != nullptr)
      stmt_->reset();
  }
  StatementLease(StatementLease&& other) noexcept : stmt_(std::exchange(other.stmt_, nullptr)) {}
  StatementLease& operator=(StatementLease&&) = delete;
  StatementLease(const StatementLease&) = delete;
  StatementLease& operator=(const StatementLease&) = delete;
  Statement* operator->() const { return stmt_; }
  Statement& operator*() const { return *stmt_; }

 private:
  Statement* stmt_;
};

class SqliteDb {
 public:
  static Result<std::unique_ptr<SqliteDb>> open(const std::filesystem::path& path);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  Status exec(const std::string& sql);                     // one or more statements, no results
  Result<std::int64_t> query_int(const std::string& sql);  // first column of the first row
  Result<std::string> query_text(const std::string& sql);
  // Prepared once per distinct SQL text and reused.
  Result<StatementLease> prepare(const std::string& sql);
  std::int64_t last_insert_rowid() const;
  int changes() const;

 private:
  explicit SqliteDb(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::map<std::string, std::unique_ptr<Statement>, std::less<>> cache_;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back when destroyed uncommitted, so every early return of
// an error leaves the database as it was.
class Transaction {
 public:
  static Result<Transaction> begin(SqliteDb& db);
  Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Status commit();

 private:
  explicit Transaction(SqliteDb* db) : db_(db) {}
  SqliteDb* db_;
};

Error sqlite_error(sqlite3* db, const std::string& what);

}  // namespace mirrord
