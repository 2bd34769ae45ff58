// Retention, garbage collection of blob rows, usage and schedule records of the SQLite catalog.
#include <gtest/gtest.h>

#include <algorithm>

#include "storage/catalog.hpp"
#include "storage/catalog_schema.hpp"
#include "tests/unit/storage/temp_dir.hpp"

namespace mirrord {
namespace {

const RepoKey kRepo{"model", "org/model"};
const RepoSelector kRepoSelector{"model", "org/model", false};
constexpr std::int64_t kFarFuture = std::int64_t{1} << 40;

BlobInfo blob_of(std::string_view content) {
  return {sha256_of(content), git_blob_oid_of(content), content.size()};
}

SnapshotFile file_of(std::string path, std::string_view content) {
  return {std::move(path), sha256_of(content), git_blob_oid_of(content), false, content.size()};
}

std::vector<std::string> hexes(const std::vector<GcBlob>& blobs) {
  std::vector<std::string> out;
  for (const GcBlob& blob : blobs) {
    out.push_back(blob.sha256.hex());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class CatalogGcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto catalog = Catalog::open(dir_.path() / "catalog.db");
    ASSERT_TRUE(catalog) << catalog.error().message;
    catalog_ = std::move(*catalog);
  }

  // Publishes `commit` of kRepo with one file holding `content`, moving `main` to it.
  void publish(const std::string& commit, std::string_view content, const RepoKey& repo = kRepo) {
    ASSERT_TRUE(catalog_->record_blob(blob_of(content)));
    NewSnapshot snapshot{repo, commit, {file_of("model.bin", content)}, "{}", {"main"}};
    ASSERT_TRUE(catalog_->publish_snapshot(snapshot));
  }

  GcResult collect(std::vector<RetentionRule> rules, std::int64_t cutoff = kFarFuture,
                   bool dry_run = false) {
    auto result = catalog_->collect_garbage(GcRequest{std::move(rules), true, cutoff, dry_run});
    EXPECT_TRUE(result) << result.error().message;
    return result ? *result : GcResult{};
  }

  bool has_snapshot(const std::string& commit) {
    auto found = catalog_->find_snapshot(kRepo, commit);
    return found && found->has_value();
  }

  bool has_blob(std::string_view content) {
    auto found = catalog_->find_blob(sha256_of(content));
    return found && found->has_value();
  }

  testing::TempDir dir_;
  std::unique_ptr<Catalog> catalog_;
};

const std::string kOld(40, '1');
const std::string kMiddle(40, '2');
const std::string kNew(40, '3');

TEST_F(CatalogGcTest, KeepUnpublishesOlderSnapshotsAndFreesTheirBlobs) {
  publish(kOld, "old weights");
  publish(kMiddle, "middle weights");
  publish(kNew, "new weights");
  const GcResult result = collect({RetentionRule{kRepoSelector, 1, {}}});
  ASSERT_EQ(result.unpublished.size(), 2u);
  EXPECT_FALSE(has_snapshot(kOld));
  EXPECT_FALSE(has_snapshot(kMiddle));
  EXPECT_TRUE(has_snapshot(kNew));
  EXPECT_EQ(hexes(result.blobs),
            hexes({GcBlob{sha256_of("old weights"), 11}, GcBlob{sha256_of("middle weights"), 14}}));
  EXPECT_FALSE(has_blob("old weights"));
  EXPECT_TRUE(has_blob("new weights"));
}

TEST_F(CatalogGcTest, KeepZeroKeepsEverySnapshot) {
  publish(kOld, "old weights");
  publish(kNew, "new weights");
  const GcResult result = collect({RetentionRule{kRepoSelector, 0, {}}});
  EXPECT_TRUE(result.unpublished.empty());
  EXPECT_TRUE(result.blobs.empty());
  EXPECT_TRUE(has_snapshot(kOld));
}

TEST_F(CatalogGcTest, PinnedCommitSurvivesRetentionByPrefix) {
  publish(kOld, "old weights");
  publish(kMiddle, "middle weights");
  publish(kNew, "new weights");
  const GcResult result = collect({RetentionRule{kRepoSelector, 1, {kOld.substr(0, 7)}}});
  EXPECT_TRUE(has_snapshot(kOld));
  EXPECT_FALSE(has_snapshot(kMiddle));
  EXPECT_TRUE(has_blob("old weights"));
  EXPECT_EQ(hexes(result.blobs), hexes({GcBlob{sha256_of("middle weights"), 14}}));
}

TEST_F(CatalogGcTest, PinShorterThanSevenCharactersMatchesNoCommit) {
  publish(kOld, "old weights");
  publish(kNew, "new weights");
  collect({RetentionRule{kRepoSelector, 1, {"111"}}});
  EXPECT_FALSE(has_snapshot(kOld));
}

TEST_F(CatalogGcTest, SnapshotNamedByARefIsAlwaysKept) {
  publish(kOld, "old weights");
  ASSERT_TRUE(catalog_->publish_snapshot(NewSnapshot{kRepo, kOld, {}, "{}", {"v1.0"}}));
  publish(kNew, "new weights");
  const GcResult result = collect({RetentionRule{kRepoSelector, 1, {}}});
  EXPECT_TRUE(result.unpublished.empty());
  EXPECT_TRUE(has_snapshot(kOld));
  EXPECT_TRUE(has_blob("old weights"));
}

TEST_F(CatalogGcTest, BlobSharedWithAKeptSnapshotIsNotCollected) {
  publish(kOld, "shared weights");
  ASSERT_TRUE(catalog_->record_blob(blob_of("config")));
  ASSERT_TRUE(catalog_->publish_snapshot(
      NewSnapshot{kRepo,
                  kNew,
                  {file_of("a.bin", "shared weights"), file_of("c.json", "config")},
                  "{}",
                  {"main"}}));
  const GcResult result = collect({RetentionRule{kRepoSelector, 1, {}}});
  EXPECT_EQ(result.unpublished.size(), 1u);
  EXPECT_TRUE(result.blobs.empty());
  EXPECT_TRUE(has_blob("shared weights"));
}

TEST_F(CatalogGcTest, RetentionOfOneRepoLeavesOthersAlone) {
  const RepoKey other{"model", "org/other"};
  publish(kOld, "old weights", other);
  publish(kNew, "new weights", other);
  collect({RetentionRule{kRepoSelector, 1, {}}});
  auto found = catalog_->find_snapshot(other, kOld);
  ASSERT_TRUE(found);
  EXPECT_TRUE(found->has_value());
}

TEST_F(CatalogGcTest, PrefixSelectorCoversEveryRepoOfAnIndex) {
  const RepoKey project{"pypi", "torch/numpy"};
  publish(kOld, "numpy 1", project);
  publish(kNew, "numpy 2", project);
  const GcResult result = collect({RetentionRule{RepoSelector{"pypi", "torch/", true}, 1, {}}});
  ASSERT_EQ(result.unpublished.size(), 1u);
  EXPECT_EQ(result.unpublished[0].name, "torch/numpy");
  EXPECT_EQ(result.unpublished[0].commit, kOld);
}

TEST_F(CatalogGcTest, GracePeriodProtectsRecentlyRecordedBlobs) {
  ASSERT_TRUE(catalog_->record_blob(blob_of("just ingested, not yet published")));
  const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
  EXPECT_TRUE(collect({}, now - 3600).blobs.empty());
  EXPECT_TRUE(has_blob("just ingested, not yet published"));
  EXPECT_EQ(collect({}, now + 1).blobs.size(), 1u);
  EXPECT_FALSE(has_blob("just ingested, not yet published"));
}

TEST_F(CatalogGcTest, DryRunChangesNothing) {
  publish(kOld, "old weights");
  publish(kNew, "new weights");
  const GcResult result = collect({RetentionRule{kRepoSelector, 1, {}}}, kFarFuture, true);
  EXPECT_EQ(result.unpublished.size(), 1u);
  EXPECT_EQ(result.blobs.size(), 1u);
  EXPECT_TRUE(has_snapshot(kOld));
  EXPECT_TRUE(has_blob("old weights"));
}

TEST_F(CatalogGcTest, QuarantinedBlobIsNeverCollected) {
  ASSERT_TRUE(catalog_->record_blob(blob_of("refused pickle")));
  QuarantineEntry entry;
  entry.repo = kRepo;
  entry.commit = kNew;
  entry.file = file_of("model.pkl", "refused pickle");
  entry.reason = "pickle imports os.system";
  ASSERT_TRUE(catalog_->record_quarantine(entry));
  EXPECT_TRUE(collect({}).blobs.empty());
  EXPECT_TRUE(has_blob("refused pickle"));
}

TEST_F(CatalogGcTest, ExtraBlobsOfASnapshotAreReferences) {
  ASSERT_TRUE(catalog_->record_blob(blob_of("wheel")));
  ASSERT_TRUE(catalog_->record_blob(blob_of("Metadata-Version: 2.1")));
  NewSnapshot snapshot{
      RepoKey{"pypi", "pypi/demo"}, kNew, {file_of("demo.whl", "wheel")}, "{}", {"current"}};
  snapshot.extra_blobs = {sha256_of("Metadata-Version: 2.1")};
  ASSERT_TRUE(catalog_->publish_snapshot(snapshot));
  EXPECT_TRUE(collect({}).blobs.empty());
  EXPECT_TRUE(has_blob("Metadata-Version: 2.1"));
}

TEST_F(CatalogGcTest, ExtraBlobMustBeRecorded) {
  NewSnapshot snapshot{RepoKey{"pypi", "pypi/demo"}, kNew, {}, "{}", {"current"}};
  snapshot.extra_blobs = {sha256_of("never recorded")};
  EXPECT_FALSE(catalog_->publish_snapshot(snapshot));
}

TEST_F(CatalogGcTest, StoredBytesCountsDistinctBlobs) {
  publish(kOld, "12345");
  publish(kNew, "1234567890");
  ASSERT_TRUE(catalog_->publish_snapshot(NewSnapshot{
      RepoKey{"model", "org/copy"}, kNew, {file_of("same.bin", "12345")}, "{}", {"main"}}));
  ASSERT_TRUE(catalog_->record_blob(blob_of("unreferenced")));
  auto repo_bytes = catalog_->stored_bytes(&kRepoSelector);
  ASSERT_TRUE(repo_bytes);
  EXPECT_EQ(*repo_bytes, 15u);
  auto all_bytes = catalog_->stored_bytes(nullptr);
  ASSERT_TRUE(all_bytes);
  EXPECT_EQ(*all_bytes, 15u + 12u);
}

TEST_F(CatalogGcTest, ScheduleRecordsAreUpserted) {
  ASSERT_TRUE(catalog_->record_schedule(ScheduleRecord{"qwen", 100, 200, 7}));
  ASSERT_TRUE(catalog_->record_schedule(ScheduleRecord{"qwen", 300, 400, 9}));
  ASSERT_TRUE(catalog_->record_schedule(ScheduleRecord{"apt", 1, 2, 3}));
  auto records = catalog_->list_schedules();
  ASSERT_TRUE(records);
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[0].target, "apt");
  EXPECT_EQ((*records)[1].last_run_at, 300);
  EXPECT_EQ((*records)[1].next_run_at, 400);
  EXPECT_EQ((*records)[1].last_job_id, 9);
}

}  // namespace
}  // namespace mirrord

namespace mirrord {
namespace {

// A catalog written by schema 2 holds PyPI snapshots whose metadata blobs only its info_json
// names; migration 3 turns them into references, so GC keeps them.
TEST(CatalogGcMigrationTest, BackfillsPypiMetadataReferences) {
  testing::TempDir dir;
  const std::string metadata = sha256_of("Metadata-Version: 2.1").hex();
  {
    auto db = SqliteDb::open(dir.path() / "catalog.db");
    ASSERT_TRUE(db);
    ASSERT_TRUE(apply_migrations(**db));
    // Back to schema 2.
    ASSERT_TRUE(
        (*db)->exec("DROP TABLE pins; DROP TABLE upstream_changes; "
                    "DROP TABLE snapshot_blobs; DROP TABLE schedules; "
                    "ALTER TABLE blobs DROP COLUMN touched_at; PRAGMA user_version = 2"));
    ASSERT_TRUE((*db)->exec(
        "INSERT INTO blobs VALUES ('" + metadata + "', 21, '" + std::string(40, '0') +
        "', 1); INSERT INTO repos (id, kind, name) VALUES (1, 'pypi', 'pypi/demo'); "
        "INSERT INTO snapshots (id, repo_id, commit_sha, published_at, file_count, total_bytes, "
        "info_json) VALUES (1, 1, 'c', 1, 0, 0, '{\"project\":\"demo\",\"files\":[{\"filename\":"
        "\"demo.whl\",\"core_metadata\":\"" +
        metadata + "\"}]}'), (2, 1, 'd', 1, 0, 0, 'not json')"));
  }
  auto catalog = Catalog::open(dir.path() / "catalog.db");
  ASSERT_TRUE(catalog) << catalog.error().message;
  auto collected = (*catalog)->collect_garbage(GcRequest{{}, true, kFarFuture, false});
  ASSERT_TRUE(collected) << collected.error().message;
  EXPECT_TRUE(collected->blobs.empty());
  auto found = (*catalog)->find_blob(sha256_of("Metadata-Version: 2.1"));
  ASSERT_TRUE(found);
  EXPECT_TRUE(found->has_value());
}

}  // namespace
}  // namespace mirrord
