#include "storage/catalog_schema.hpp"

#include <gtest/gtest.h>

#include "storage/catalog.hpp"
#include "tests/unit/storage/temp_dir.hpp"

namespace mirrord {
namespace {

class CatalogSchemaTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteDb> open_db() {
    auto db = SqliteDb::open(dir_.path() / "catalog.db");
    EXPECT_TRUE(db) << db.error().message;
    return db ? std::move(*db) : nullptr;
  }
  testing::TempDir dir_;
};

TEST_F(CatalogSchemaTest, FreshDatabaseGetsEveryTable) {
  auto db = open_db();
  ASSERT_TRUE(apply_migrations(*db));
  EXPECT_EQ(*db->query_int("PRAGMA user_version"), latest_schema_version());
  EXPECT_EQ(*db->query_int("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN "
                           "('blobs', 'repos', 'snapshots', 'snapshot_files', 'refs', 'jobs')"),
            6);
}

TEST_F(CatalogSchemaTest, MigratingAgainChangesNothing) {
  auto db = open_db();
  ASSERT_TRUE(apply_migrations(*db));
  ASSERT_TRUE(db->exec("INSERT INTO repos (kind, name) VALUES ('model', 'a/b')"));
  ASSERT_TRUE(apply_migrations(*db));
  EXPECT_EQ(*db->query_int("PRAGMA user_version"), latest_schema_version());
  EXPECT_EQ(*db->query_int("SELECT count(*) FROM repos"), 1);
}

TEST_F(CatalogSchemaTest, DatabaseFromANewerBuildIsRefused) {
  {
    auto db = open_db();
    ASSERT_TRUE(db->exec("PRAGMA user_version = " + std::to_string(latest_schema_version() + 1)));
  }
  auto catalog = Catalog::open(dir_.path() / "catalog.db");
  ASSERT_FALSE(catalog);
  EXPECT_EQ(catalog.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(catalog.error().message.find("newer"), std::string::npos);
}

TEST_F(CatalogSchemaTest, ForeignKeysGuardSnapshotFilesAndRefs) {
  auto catalog = Catalog::open(dir_.path() / "catalog.db");  // sets foreign_keys = ON
  ASSERT_TRUE(catalog);
  // Schema-level guard, independent of publish_snapshot's own checks: a second connection with
  // foreign keys on cannot insert a file row whose blob is unknown.
  auto db = open_db();
  ASSERT_TRUE(db->exec("PRAGMA foreign_keys = ON"));
  ASSERT_TRUE(db->exec("INSERT INTO repos (id, kind, name) VALUES (1, 'model', 'a/b')"));
  ASSERT_TRUE(
      db->exec("INSERT INTO snapshots (id, repo_id, commit_sha, published_at, file_count, "
               "total_bytes, info_json) VALUES (1, 1, 'c1', 0, 0, 0, '{}')"));
  EXPECT_FALSE(db->exec("INSERT INTO snapshot_files VALUES (1, 'f', 'nosuchblob', 'x', 0, 0)"));
  EXPECT_FALSE(db->exec("INSERT INTO refs VALUES (1, 'main', 'no-such-commit', 0)"));
  EXPECT_TRUE(db->exec("INSERT INTO refs VALUES (1, 'main', 'c1', 0)"));
}

}  // namespace
}  // namespace mirrord
