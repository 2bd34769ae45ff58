#include "storage/catalog.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <thread>
#include <vector>

#include "storage/catalog_schema.hpp"
#include "tests/unit/storage/temp_dir.hpp"

namespace mirrord {
namespace {

using testing::TempDir;

const RepoKey kQwen{"model", "Qwen/Qwen2.5-0.5B-Instruct"};
const std::string kCommitA(40, 'a');
const std::string kCommitB(40, 'b');

BlobInfo blob_of(std::string_view content) {
  return {sha256_of(content), git_blob_oid_of(content), content.size()};
}

SnapshotFile file_of(std::string path, std::string_view content) {
  return {std::move(path), sha256_of(content), git_blob_oid_of(content), false, content.size()};
}

std::string pragma_text(const std::filesystem::path& db, const char* sql) {
  sqlite3* raw = nullptr;
  sqlite3_open(db.c_str(), &raw);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(raw, sql, -1, &stmt, nullptr);
  std::string value;
  if (sqlite3_step(stmt) == SQLITE_ROW) {
    value = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(raw);
  return value;
}

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override { open(); }
  void open() {
    catalog_.reset();
    auto catalog = Catalog::open(db_path_);
    ASSERT_TRUE(catalog) << catalog.error().message;
    catalog_ = std::move(*catalog);
  }

  // Records every file's blob, as the pull does once the BlobStore has made them durable.
  NewSnapshot recorded_snapshot(const std::string& commit,
                                const std::vector<std::pair<std::string, std::string>>& files,
                                std::vector<std::string> refs = {"main"}) {
    NewSnapshot snapshot{kQwen, commit, {}, R"({"pipeline_tag":"text-generation"})", refs};
    for (const auto& [path, content] : files) {
      EXPECT_TRUE(catalog_->record_blob(blob_of(content)));
      snapshot.files.push_back(file_of(path, content));
    }
    return snapshot;
  }

  TempDir dir_;
  std::filesystem::path db_path_ = dir_.path() / "state" / "catalog.db";
  std::unique_ptr<Catalog> catalog_;
};

TEST_F(CatalogTest, FreshAndReopenedDatabaseHaveTheLatestSchema) {
  EXPECT_EQ(catalog_->schema_version(), latest_schema_version());
  ASSERT_TRUE(catalog_->record_blob(blob_of("kept")));
  open();
  EXPECT_EQ(catalog_->schema_version(), latest_schema_version());
  auto blob = catalog_->find_blob(sha256_of("kept"));
  ASSERT_TRUE(blob);
  EXPECT_TRUE(blob->has_value());  // reopening migrated nothing away
}

TEST_F(CatalogTest, DatabaseUsesWriteAheadLog) {
  EXPECT_EQ(pragma_text(db_path_, "PRAGMA journal_mode"), "wal");
}

TEST_F(CatalogTest, ABlobRecordedWithoutGitOidGetsOneFromALaterIngest) {
  BlobInfo blob = blob_of("shard");
  const GitOid oid = *blob.git_oid;
  blob.git_oid.reset();  // an LFS ingest skips it
  ASSERT_TRUE(catalog_->record_blob(blob));
  auto stored = catalog_->find_blob(blob.sha256);
  ASSERT_TRUE(stored && stored->has_value()) << stored.error().message;
  EXPECT_FALSE((*stored)->git_oid.has_value());
  EXPECT_FALSE(catalog_->find_blob_by_git_oid(oid)->has_value());

  blob.git_oid = oid;  // the same bytes ingested as a regular file
  ASSERT_TRUE(catalog_->record_blob(blob));
  EXPECT_EQ((*catalog_->find_blob(blob.sha256))->git_oid, oid);
  auto by_oid = catalog_->find_blob_by_git_oid(oid);
  ASSERT_TRUE(by_oid && by_oid->has_value());
  EXPECT_EQ((*by_oid)->sha256, blob.sha256);
}

TEST_F(CatalogTest, RecordedBlobIsFoundBySha256AndGitOid) {
  const BlobInfo blob = blob_of("weights");
  ASSERT_TRUE(catalog_->record_blob(blob));
  ASSERT_TRUE(catalog_->record_blob(blob));  // recording twice is harmless

  auto by_sha = catalog_->find_blob(blob.sha256);
  ASSERT_TRUE(by_sha && by_sha->has_value());
  EXPECT_EQ((*by_sha)->git_oid, blob.git_oid);
  EXPECT_EQ((*by_sha)->size, blob.size);

  auto by_oid = catalog_->find_blob_by_git_oid(*blob.git_oid);
  ASSERT_TRUE(by_oid && by_oid->has_value());
  EXPECT_EQ((*by_oid)->sha256, blob.sha256);
  EXPECT_EQ((*by_oid)->size, blob.size);

  EXPECT_FALSE(catalog_->find_blob(sha256_of("unknown"))->has_value());
  EXPECT_FALSE(catalog_->find_blob_by_git_oid(git_blob_oid_of("unknown"))->has_value());
}

TEST_F(CatalogTest, PublishedSnapshotIsFoundByCommitPathAndRef) {
  auto snapshot = recorded_snapshot(
      kCommitA,
      {{"model.safetensors", "tensor bytes"}, {"config.json", "{}"}, {"README.md", "# readme"}});
  snapshot.files[0].lfs = true;
  snapshot.files[0].git_oid = lfs_pointer_oid(sha256_of("tensor bytes"), 12);
  auto id = catalog_->publish_snapshot(snapshot);
  ASSERT_TRUE(id) << id.error().message;

  EXPECT_TRUE(*catalog_->repo_exists(kQwen));
  EXPECT_FALSE(*catalog_->repo_exists(RepoKey{"dataset", kQwen.name}));

  auto info = catalog_->find_snapshot(kQwen, kCommitA);
  ASSERT_TRUE(info && info->has_value());
  EXPECT_EQ((*info)->id, *id);
  EXPECT_EQ((*info)->repo, kQwen);
  EXPECT_EQ((*info)->file_count, 3u);
  EXPECT_EQ((*info)->total_bytes, 12u + 2u + 8u);
  EXPECT_EQ((*info)->info_json, snapshot.info_json);
  EXPECT_GT((*info)->published_at, 0);
  EXPECT_FALSE(catalog_->find_snapshot(kQwen, kCommitB)->has_value());

  auto files = catalog_->list_files(*id);
  ASSERT_TRUE(files);
  ASSERT_EQ(files->size(), 3u);
  EXPECT_EQ((*files)[0].path, "README.md");  // by path, byte order
  EXPECT_EQ((*files)[1].path, "config.json");
  EXPECT_EQ((*files)[2].path, "model.safetensors");
  EXPECT_TRUE((*files)[2].lfs);
  EXPECT_EQ((*files)[2].git_oid, lfs_pointer_oid(sha256_of("tensor bytes"), 12));

  auto config = catalog_->find_file(*id, "config.json");
  ASSERT_TRUE(config && config->has_value());
  EXPECT_EQ((*config)->sha256, sha256_of("{}"));
  EXPECT_FALSE((*config)->lfs);
  EXPECT_FALSE(catalog_->find_file(*id, "missing.json")->has_value());
  EXPECT_FALSE(catalog_->find_file(*id + 1, "config.json")->has_value());

  EXPECT_EQ(*catalog_->resolve_ref(kQwen, "main"), kCommitA);
  EXPECT_FALSE(catalog_->resolve_ref(kQwen, "v2")->has_value());
  auto refs = catalog_->list_refs(kQwen);
  ASSERT_TRUE(refs);
  ASSERT_EQ(refs->size(), 1u);
  EXPECT_EQ((*refs)[0].name, "main");
  EXPECT_EQ((*refs)[0].commit, kCommitA);
}

TEST_F(CatalogTest, PublishReferringToUnrecordedBlobIsRefusedAndLeavesNoRows) {
  // The crash between the blob's rename and record_blob: the blob may be on disk, but nothing
  // recorded it, so no snapshot may refer to it.
  NewSnapshot snapshot{kQwen, kCommitA, {file_of("config.json", "{}")}, "{}", {"main"}};
  auto refused = catalog_->publish_snapshot(snapshot);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_NE(refused.error().message.find("config.json"), std::string::npos);

  EXPECT_FALSE(*catalog_->repo_exists(kQwen));
  EXPECT_FALSE(catalog_->find_snapshot(kQwen, kCommitA)->has_value());
  EXPECT_FALSE(catalog_->resolve_ref(kQwen, "main")->has_value());
  EXPECT_TRUE(catalog_->list_repos()->empty());
}

TEST_F(CatalogTest, RefusedPublishLeavesThePreviousSnapshotInPlace) {
  ASSERT_TRUE(catalog_->publish_snapshot(recorded_snapshot(kCommitA, {{"a.txt", "a"}})));
  NewSnapshot next{kQwen, kCommitB, {file_of("a.txt", "unrecorded")}, "{}", {"main"}};
  ASSERT_FALSE(catalog_->publish_snapshot(next));
  EXPECT_EQ(*catalog_->resolve_ref(kQwen, "main"), kCommitA);
  EXPECT_FALSE(catalog_->find_snapshot(kQwen, kCommitB)->has_value());
}

TEST_F(CatalogTest, RepublishingTheSameCommitOnlyMovesRefs) {
  auto first = catalog_->publish_snapshot(recorded_snapshot(kCommitA, {{"a.txt", "a"}}));
  ASSERT_TRUE(first);
  ASSERT_TRUE(catalog_->publish_snapshot(recorded_snapshot(kCommitB, {{"b.txt", "b"}})));
  EXPECT_EQ(*catalog_->resolve_ref(kQwen, "main"), kCommitB);

  // The same commit again, with a different file list: the published snapshot stays as it was.
  auto again = catalog_->publish_snapshot(
      recorded_snapshot(kCommitA, {{"a.txt", "rewritten"}, {"extra", "x"}}, {"main", "v1"}));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(*again, *first);
  auto files = catalog_->list_files(*first);
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ((*files)[0].sha256, sha256_of("a"));
  EXPECT_EQ((*catalog_->find_snapshot(kQwen, kCommitA))->file_count, 1u);
  EXPECT_EQ(*catalog_->resolve_ref(kQwen, "main"), kCommitA);
  EXPECT_EQ(*catalog_->resolve_ref(kQwen, "v1"), kCommitA);
}

TEST_F(CatalogTest, ListReposHasOneRowPerRefInOrder) {
  ASSERT_TRUE(catalog_->publish_snapshot(
      recorded_snapshot(kCommitA, {{"a", "1"}, {"b", "22"}}, {"main", "v1.0"})));
  NewSnapshot dataset = recorded_snapshot(kCommitB, {{"data.csv", "x,y"}});
  dataset.repo = {"dataset", "acme/data"};
  ASSERT_TRUE(catalog_->publish_snapshot(dataset));
  NewSnapshot other = recorded_snapshot(kCommitB, {{"c", "333"}});
  other.repo = {"model", "Alpha/first"};
  ASSERT_TRUE(catalog_->publish_snapshot(other));

  auto repos = catalog_->list_repos();
  ASSERT_TRUE(repos);
  ASSERT_EQ(repos->size(), 4u);
  EXPECT_EQ((*repos)[0].repo, (RepoKey{"dataset", "acme/data"}));
  EXPECT_EQ((*repos)[1].repo, (RepoKey{"model", "Alpha/first"}));
  EXPECT_EQ((*repos)[2].repo, kQwen);
  EXPECT_EQ((*repos)[2].ref, "main");
  EXPECT_EQ((*repos)[3].ref, "v1.0");
  EXPECT_EQ((*repos)[2].commit, kCommitA);
  EXPECT_EQ((*repos)[2].file_count, 2u);
  EXPECT_EQ((*repos)[2].total_bytes, 3u);
  EXPECT_EQ((*repos)[2].state, "published");
  EXPECT_GT((*repos)[2].published_at, 0);
}

TEST_F(CatalogTest, PublishRejectsMalformedSnapshots) {
  auto repeated = recorded_snapshot(kCommitA, {{"a", "1"}, {"a", "2"}});
  EXPECT_EQ(catalog_->publish_snapshot(repeated).error().code, ErrorCode::kInvalidInput);
  auto no_commit = recorded_snapshot("", {{"a", "1"}});
  EXPECT_EQ(catalog_->publish_snapshot(no_commit).error().code, ErrorCode::kInvalidInput);
  auto empty_ref = recorded_snapshot(kCommitA, {{"a", "1"}}, {""});
  EXPECT_EQ(catalog_->publish_snapshot(empty_ref).error().code, ErrorCode::kInvalidInput);
  EXPECT_FALSE(*catalog_->repo_exists(kQwen));
}

TEST_F(CatalogTest, SecondConnectionSeesPublishedSnapshot) {
  ASSERT_TRUE(catalog_->publish_snapshot(recorded_snapshot(kCommitA, {{"a", "1"}})));
  auto reader = Catalog::open(db_path_);
  ASSERT_TRUE(reader) << reader.error().message;
  EXPECT_EQ(*(*reader)->resolve_ref(kQwen, "main"), kCommitA);
}

TEST_F(CatalogTest, ConcurrentCallsFromManyThreadsAreSerialized) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < 50; ++i) {
        const std::string content = std::to_string(t) + "/" + std::to_string(i);
        EXPECT_TRUE(catalog_->record_blob(blob_of(content)));
        EXPECT_TRUE(catalog_->find_blob(sha256_of(content))->has_value());
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_TRUE(catalog_->find_blob(sha256_of("3/49"))->has_value());
}

}  // namespace
}  // namespace mirrord
