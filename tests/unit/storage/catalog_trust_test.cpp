// The catalog's trust side (storage/catalog_trust.cpp): verdicts and manifests stored with a
// snapshot, the quarantine and its release, and the upgrade of a version-1 database.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "storage/catalog.hpp"
#include "storage/catalog_schema.hpp"
#include "tests/unit/storage/temp_dir.hpp"

namespace mirrord {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

const RepoKey kRepo{"model", "org/model"};
const std::string kCommit(40, 'c');

SnapshotFile file_of(std::string path, std::string_view content) {
  return {std::move(path), sha256_of(content), git_blob_oid_of(content), true, content.size()};
}

void exec_sql(const std::filesystem::path& db, const std::string& sql) {
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
  char* message = nullptr;
  const int rc = sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, &message);
  EXPECT_EQ(rc, SQLITE_OK) << (message ? message : "");
  sqlite3_free(message);
  sqlite3_close(raw);
}

class CatalogTrustTest : public ::testing::Test {
 protected:
  void SetUp() override { open(); }
  void open() {
    catalog_.reset();
    auto catalog = Catalog::open(db_);
    ASSERT_TRUE(catalog) << catalog.error().message;
    catalog_ = std::move(*catalog);
  }
  void record(std::string_view content) {
    ASSERT_TRUE(
        catalog_->record_blob({sha256_of(content), git_blob_oid_of(content), content.size()}));
  }
  std::int64_t publish_with_one_file() {
    record("weights");
    NewSnapshot snapshot{kRepo, kCommit, {file_of("model.safetensors", "weights")}, "{}", {"main"}};
    snapshot.trust = SnapshotTrust{R"({"admitted":1})", "manifest-bytes", "c2lnbmF0dXJl"};
    auto id = catalog_->publish_snapshot(snapshot);
    EXPECT_TRUE(id) << id.error().message;
    return id ? *id : 0;
  }
  QuarantineEntry quarantined(const std::string& path, std::string_view content) {
    record(content);
    QuarantineEntry entry;
    entry.repo = kRepo;
    entry.commit = kCommit;
    entry.file = file_of(path, content);
    entry.reason = "pickle imports posix.system";
    return entry;
  }

  TempDir dir_;
  std::filesystem::path db_ = dir_.path() / "catalog.db";
  std::unique_ptr<Catalog> catalog_;
};

TEST_F(CatalogTrustTest, StoresTheVerdictAndManifestWithTheSnapshot) {
  const std::int64_t id = publish_with_one_file();
  auto trust = catalog_->snapshot_trust(id);
  ASSERT_TRUE(trust) << trust.error().message;
  EXPECT_EQ(trust->verdict_json, R"({"admitted":1})");
  EXPECT_EQ(trust->manifest, "manifest-bytes");
  EXPECT_EQ(trust->manifest_signature, "c2lnbmF0dXJl");
  ASSERT_TRUE(catalog_->set_snapshot_trust(id, SnapshotTrust{"{}", "m2", "s2"}));
  EXPECT_EQ(catalog_->snapshot_trust(id)->manifest, "m2");
  EXPECT_EQ(catalog_->snapshot_trust(id + 100).error().code, ErrorCode::kNotFound);
  auto all = catalog_->list_snapshots();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ(all->front().commit, kCommit);
}

TEST_F(CatalogTrustTest, QuarantineKeepsOneRowPerFileAndListsIt) {
  auto first = catalog_->record_quarantine(quarantined("pytorch_model.bin", "evil"));
  ASSERT_TRUE(first) << first.error().message;
  QuarantineEntry again = quarantined("pytorch_model.bin", "evil");
  again.reason = "a newer reason";
  auto second = catalog_->record_quarantine(again);
  ASSERT_TRUE(second);
  EXPECT_EQ(*first, *second);
  auto listed = catalog_->list_quarantine(false);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().reason, "a newer reason");
  EXPECT_EQ(listed->front().file.sha256, sha256_of("evil"));
  EXPECT_TRUE(listed->front().file.lfs);
  EXPECT_GT(listed->front().created_at, 0);
  // The blob must be recorded: nothing may refer to bytes that are not durable.
  QuarantineEntry unrecorded = quarantined("x.bin", "x");
  unrecorded.file = file_of("x.bin", "never recorded");
  EXPECT_FALSE(catalog_->record_quarantine(unrecorded));
}

TEST_F(CatalogTrustTest, ReleaseAddsTheFileToItsSnapshotOnce) {
  const std::int64_t snapshot = publish_with_one_file();
  auto id = catalog_->record_quarantine(quarantined("pytorch_model.bin", "evil"));
  ASSERT_TRUE(id);
  EXPECT_FALSE(catalog_->find_file(snapshot, "pytorch_model.bin")->has_value());
  EXPECT_EQ(catalog_->release_quarantine(*id, "", std::nullopt).error().code,
            ErrorCode::kInvalidInput);
  ASSERT_TRUE(catalog_->release_quarantine(*id, "reviewed: benign test fixture",
                                           SnapshotTrust{"{\"released\":1}", "m", "s"}));
  auto file = catalog_->find_file(snapshot, "pytorch_model.bin");
  ASSERT_TRUE(file && file->has_value());
  EXPECT_EQ((*file)->sha256, sha256_of("evil"));
  auto info = catalog_->find_snapshot(kRepo, kCommit);
  EXPECT_EQ((*info)->file_count, 2u);
  EXPECT_EQ((*info)->total_bytes, std::string("weights").size() + std::string("evil").size());
  EXPECT_EQ(catalog_->snapshot_trust(snapshot)->verdict_json, "{\"released\":1}");
  auto released = catalog_->find_quarantine(*id);
  ASSERT_TRUE(released && released->has_value());
  EXPECT_GT((*released)->released_at, 0);
  EXPECT_EQ((*released)->release_reason, "reviewed: benign test fixture");
  EXPECT_TRUE(catalog_->list_quarantine(false)->empty());
  EXPECT_EQ(catalog_->list_quarantine(true)->size(), 1u);
  auto again = catalog_->release_quarantine(*id, "twice", std::nullopt);
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(catalog_->release_quarantine(9999, "x", std::nullopt).error().code,
            ErrorCode::kNotFound);
  auto found = catalog_->find_release(kRepo, "pytorch_model.bin", sha256_of("evil"));
  ASSERT_TRUE(found && found->has_value());
  EXPECT_FALSE(catalog_->find_release(kRepo, "pytorch_model.bin", sha256_of("other"))->has_value());
  EXPECT_FALSE(catalog_->find_release(kRepo, "other.bin", sha256_of("evil"))->has_value());
}

TEST_F(CatalogTrustTest, ReleaseBeforeThePublishOnlyRecordsIt) {
  auto id = catalog_->record_quarantine(quarantined("pytorch_model.bin", "evil"));
  ASSERT_TRUE(id);
  ASSERT_TRUE(catalog_->release_quarantine(*id, "reviewed", std::nullopt));
  EXPECT_FALSE(catalog_->find_snapshot(kRepo, kCommit)->has_value());
  EXPECT_TRUE(catalog_->find_release(kRepo, "pytorch_model.bin", sha256_of("evil"))->has_value());
}

TEST_F(CatalogTrustTest, UpgradesAVersionOneDatabaseKeepingItsSnapshots) {
  publish_with_one_file();
  catalog_.reset();
  exec_sql(db_,
           "DROP TABLE pins; DROP TABLE upstream_changes; "
           "DROP TABLE snapshot_blobs; DROP TABLE schedules; "
           "ALTER TABLE blobs DROP COLUMN touched_at; "
           "DROP TABLE quarantine; ALTER TABLE snapshots DROP COLUMN verdict_json; "
           "ALTER TABLE snapshots DROP COLUMN manifest; "
           "ALTER TABLE snapshots DROP COLUMN manifest_signature; PRAGMA user_version = 1;");
  open();
  EXPECT_EQ(catalog_->schema_version(), latest_schema_version());
  auto snapshot = catalog_->find_snapshot(kRepo, kCommit);
  ASSERT_TRUE(snapshot && snapshot->has_value());
  auto trust = catalog_->snapshot_trust((*snapshot)->id);
  ASSERT_TRUE(trust);
  EXPECT_EQ(trust->verdict_json, "{}");
  EXPECT_TRUE(trust->manifest.empty());
  EXPECT_TRUE(catalog_->list_quarantine(true)->empty());
}

}  // namespace
}  // namespace mirrord
