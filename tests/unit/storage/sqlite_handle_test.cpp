#include "storage/sqlite_handle.hpp"

#include <gtest/gtest.h>

#include "tests/unit/storage/temp_dir.hpp"

namespace mirrord {
namespace {

class SqliteHandleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = SqliteDb::open(dir_.path() / "t.db");
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
    ASSERT_TRUE(db_->exec("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)"));
  }

  Status insert(std::string_view key, std::int64_t value) {
    MIRRORD_TRY_ASSIGN(auto stmt, db_->prepare("INSERT INTO t (k, v) VALUES (?, ?)"));
    MIRRORD_TRY(stmt->bind_all(key, value));
    return stmt->run();
  }

  std::int64_t count() { return *db_->query_int("SELECT count(*) FROM t"); }

  testing::TempDir dir_;
  std::unique_ptr<SqliteDb> db_;
};

TEST_F(SqliteHandleTest, CachedStatementIsReboundForEachUse) {
  ASSERT_TRUE(insert("a", 1));
  ASSERT_TRUE(insert("b", 2));
  ASSERT_TRUE(insert("c", 5'000'000'000));
  EXPECT_EQ(count(), 3);
  EXPECT_EQ(*db_->query_int("SELECT v FROM t WHERE k = 'c'"), 5'000'000'000);
  EXPECT_EQ(*db_->query_text("SELECT group_concat(k, ',') FROM t"), "a,b,c");
}

TEST_F(SqliteHandleTest, ErrorsCarrySqliteMessage) {
  ASSERT_TRUE(insert("a", 1));
  auto duplicate = insert("a", 2);
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().code, ErrorCode::kIo);
  EXPECT_NE(duplicate.error().message.find("UNIQUE constraint failed"), std::string::npos);

  auto bad = db_->prepare("SELECT * FROM missing_table");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("no such table"), std::string::npos);
}

TEST_F(SqliteHandleTest, UncommittedTransactionRollsBack) {
  {
    auto transaction = Transaction::begin(*db_);
    ASSERT_TRUE(transaction);
    ASSERT_TRUE(insert("lost", 1));
  }
  EXPECT_EQ(count(), 0);
  {
    auto transaction = Transaction::begin(*db_);
    ASSERT_TRUE(transaction);
    ASSERT_TRUE(insert("kept", 1));
    ASSERT_TRUE(transaction->commit());
  }
  EXPECT_EQ(count(), 1);
}

TEST_F(SqliteHandleTest, StatementLeftMidReadIsResetOnReturn) {
  ASSERT_TRUE(insert("a", 1));
  ASSERT_TRUE(insert("b", 2));
  {
    auto stmt = db_->prepare("SELECT k FROM t ORDER BY k");
    ASSERT_TRUE(stmt);
    ASSERT_TRUE(*(*stmt)->step());  // one row read, one left
  }
  // Had the read stayed open, this exclusive-lock statement would fail with "database is locked"
  // or "cannot commit - SQL statements in progress".
  auto transaction = Transaction::begin(*db_);
  ASSERT_TRUE(transaction);
  ASSERT_TRUE(db_->exec("DROP TABLE t"));
  ASSERT_TRUE(transaction->commit());
}

TEST(SqliteDbTest, OpenInMissingDirectoryFails) {
  testing::TempDir dir;
  auto db = SqliteDb::open(dir.path() / "missing" / "t.db");
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, ErrorCode::kIo);
}

}  // namespace
}  // namespace mirrord
