// Operator pins and recorded upstream changes of the SQLite catalog, and the upgrade of a
// version-3 database (storage/catalog_protection.hpp).
#include <gtest/gtest.h>

#include "storage/catalog.hpp"
#include "storage/catalog_schema.hpp"
#include "storage/sqlite_handle.hpp"
#include "tests/unit/storage/temp_dir.hpp"

namespace mirrord {
namespace {

const RepoKey kRepo{"model", "org/model"};
const RepoSelector kRepoSelector{"model", "org/model", false};
constexpr std::int64_t kFarFuture = std::int64_t{1} << 40;
const std::string kOld(40, 'a');
const std::string kMiddle(40, 'b');
const std::string kNew(40, 'c');

class CatalogProtectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto catalog = Catalog::open(dir_.path() / "catalog.db");
    ASSERT_TRUE(catalog) << catalog.error().message;
    catalog_ = std::move(*catalog);
  }

  // Publishes `commit` of kRepo with one file holding `content`, pointing `refs` at it.
  void publish(const std::string& commit, std::string_view content,
               std::vector<std::string> refs = {"main"}) {
    ASSERT_TRUE(
        catalog_->record_blob({sha256_of(content), git_blob_oid_of(content), content.size()}));
    NewSnapshot snapshot{
        kRepo,
        commit,
        {{"model.bin", sha256_of(content), git_blob_oid_of(content), false, content.size()}},
        "{}",
        std::move(refs)};
    ASSERT_TRUE(catalog_->publish_snapshot(snapshot));
  }

  bool has_snapshot(const std::string& commit) {
    auto found = catalog_->find_snapshot(kRepo, commit);
    return found && found->has_value();
  }

  bool has_blob(std::string_view content) {
    auto found = catalog_->find_blob(sha256_of(content));
    return found && found->has_value();
  }

  std::string main_commit() {
    auto ref = catalog_->resolve_ref(kRepo, "main");
    return ref && *ref ? **ref : std::string();
  }

  std::vector<UpstreamChange> changes() {
    auto list = catalog_->list_upstream_changes(&kRepo);
    EXPECT_TRUE(list) << list.error().message;
    return list ? *list : std::vector<UpstreamChange>{};
  }

  testing::TempDir dir_;
  std::unique_ptr<Catalog> catalog_;
};

TEST_F(CatalogProtectionTest, PinsARefByNameAndACommitByPrefix) {
  publish(kOld, "old");
  publish(kNew, "new");
  auto by_ref = catalog_->pin(kRepo, "main", "release candidate");
  ASSERT_TRUE(by_ref) << by_ref.error().message;
  EXPECT_EQ(by_ref->name, "main");
  EXPECT_EQ(by_ref->commit, kNew);
  EXPECT_TRUE(by_ref->names_ref());
  auto by_commit = catalog_->pin(kRepo, kOld.substr(0, 7), "");
  ASSERT_TRUE(by_commit) << by_commit.error().message;
  EXPECT_EQ(by_commit->name, kOld);
  EXPECT_FALSE(by_commit->names_ref());
  auto pins = catalog_->list_pins(&kRepo);
  ASSERT_TRUE(pins);
  ASSERT_EQ(pins->size(), 2u);
  EXPECT_EQ((*pins)[1].reason, "release candidate");
}

TEST_F(CatalogProtectionTest, RefusesToPinWhatIsNotPublished) {
  publish(kOld, "old");
  EXPECT_EQ(catalog_->pin(kRepo, "v9", "").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(catalog_->pin(kRepo, "aaaaaa", "").error().code, ErrorCode::kNotFound)
      << "a prefix shorter than 7 characters names nothing";
  EXPECT_EQ(catalog_->pin(RepoKey{"model", "org/other"}, "main", "").error().code,
            ErrorCode::kNotFound);
}

TEST_F(CatalogProtectionTest, UnpinRemovesOnlyTheNamedPin) {
  publish(kOld, "old");
  ASSERT_TRUE(catalog_->pin(kRepo, "main", ""));
  ASSERT_TRUE(catalog_->pin(kRepo, kOld, ""));
  auto removed = catalog_->unpin(kRepo, kOld.substr(0, 10));
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(removed->name, kOld);
  auto pins = catalog_->list_pins(&kRepo);
  ASSERT_TRUE(pins);
  ASSERT_EQ(pins->size(), 1u);
  EXPECT_EQ((*pins)[0].name, "main");
  EXPECT_EQ(catalog_->unpin(kRepo, kOld).error().code, ErrorCode::kNotFound);
}

TEST_F(CatalogProtectionTest, RetentionAndGcKeepAPinnedSnapshotAndItsBlobs) {
  publish(kOld, "old weights");
  ASSERT_TRUE(catalog_->pin(kRepo, kOld, "audited"));
  publish(kMiddle, "middle weights");
  publish(kNew, "new weights");
  auto result =
      catalog_->collect_garbage(GcRequest{{RetentionRule{kRepoSelector, 1, {}}}, true, kFarFuture});
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_EQ(result->unpublished.size(), 1u);
  EXPECT_EQ(result->unpublished[0].commit, kMiddle);
  EXPECT_TRUE(has_snapshot(kOld));
  EXPECT_TRUE(has_blob("old weights"));
  EXPECT_FALSE(has_blob("middle weights"));
}

TEST_F(CatalogProtectionTest, UnpinnedSnapshotIsCollectedAgain) {
  publish(kOld, "old weights");
  ASSERT_TRUE(catalog_->pin(kRepo, kOld, ""));
  publish(kNew, "new weights");
  ASSERT_TRUE(catalog_->unpin(kRepo, kOld));
  auto result =
      catalog_->collect_garbage(GcRequest{{RetentionRule{kRepoSelector, 1, {}}}, true, kFarFuture});
  ASSERT_TRUE(result);
  EXPECT_FALSE(has_snapshot(kOld));
  EXPECT_FALSE(has_blob("old weights"));
}

TEST_F(CatalogProtectionTest, APinnedRefIsNotMovedAndTheMoveIsRecordedOnce) {
  publish(kOld, "old");
  ASSERT_TRUE(catalog_->pin(kRepo, "main", ""));
  publish(kNew, "new");
  EXPECT_EQ(main_commit(), kOld);
  EXPECT_TRUE(has_snapshot(kNew)) << "the new commit is published under its id";
  publish(kNew, "new");
  const auto recorded = changes();
  ASSERT_EQ(recorded.size(), 1u);
  EXPECT_EQ(recorded[0].change, kChangePinnedRefKept);
  EXPECT_NE(recorded[0].detail.find(kNew), std::string::npos);
  ASSERT_TRUE(catalog_->unpin(kRepo, "main"));
  publish(kNew, "new");
  EXPECT_EQ(main_commit(), kNew) << "an unpinned ref follows upstream again";
}

TEST_F(CatalogProtectionTest, ListsPinnedRefsInTheRepoSummary) {
  publish(kOld, "old", {"v1"});
  publish(kNew, "new", {"main"});
  ASSERT_TRUE(catalog_->pin(kRepo, kOld, ""));
  auto repos = catalog_->list_repos();
  ASSERT_TRUE(repos);
  ASSERT_EQ(repos->size(), 2u);
  EXPECT_FALSE((*repos)[0].pinned) << (*repos)[0].ref;
  EXPECT_TRUE((*repos)[1].pinned) << (*repos)[1].ref;
}

TEST_F(CatalogProtectionTest, RecordsEachDistinctChangeNewestFirst) {
  auto first = catalog_->record_upstream_change(
      UpstreamChange{0, kRepo.kind, kRepo.name, kChangeTagMoved, "v1: a -> b", 100});
  ASSERT_TRUE(first && *first);
  auto again = catalog_->record_upstream_change(
      UpstreamChange{0, kRepo.kind, kRepo.name, kChangeTagMoved, "v1: a -> b", 150});
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again) << "the same change is recorded once";
  ASSERT_TRUE(catalog_->record_upstream_change(
      UpstreamChange{0, kRepo.kind, kRepo.name, kChangeDeletedUpstream, "404", 200}));
  ASSERT_TRUE(catalog_->record_upstream_change(
      UpstreamChange{0, "pypi", "pypi/demo", kChangeFileReplaced, "demo.whl", 300}));
  const auto recorded = changes();
  ASSERT_EQ(recorded.size(), 2u);
  EXPECT_EQ(recorded[0].change, kChangeDeletedUpstream);
  EXPECT_EQ(recorded[1].recorded_at, 100);
  auto all = catalog_->list_upstream_changes(nullptr);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].repo, "pypi/demo");
  EXPECT_EQ(catalog_->record_upstream_change(UpstreamChange{}).error().code,
            ErrorCode::kInvalidInput);
}

// A catalog written by schema 3 opens at the latest version, its snapshots pinnable.
TEST(CatalogProtectionMigrationTest, UpgradesAVersionThreeDatabase) {
  testing::TempDir dir;
  {
    auto db = SqliteDb::open(dir.path() / "catalog.db");
    ASSERT_TRUE(db);
    ASSERT_TRUE(apply_migrations(**db));
    ASSERT_TRUE(
        (*db)->exec("DROP TABLE pins; DROP TABLE upstream_changes; "
                    "PRAGMA user_version = 3"));
    ASSERT_TRUE((*db)->exec(
        "INSERT INTO repos (id, kind, name) VALUES (1, 'model', 'org/model'); "
        "INSERT INTO snapshots (id, repo_id, commit_sha, published_at, "
        "file_count, total_bytes, info_json) VALUES (1, 1, '" +
        kOld + "', 1, 0, 0, '{}'); INSERT INTO refs VALUES (1, 'main', '" + kOld + "', 1)"));
  }
  auto catalog = Catalog::open(dir.path() / "catalog.db");
  ASSERT_TRUE(catalog) << catalog.error().message;
  EXPECT_EQ((*catalog)->schema_version(), 4);
  auto pinned = (*catalog)->pin(kRepo, "main", "kept across the upgrade");
  ASSERT_TRUE(pinned) << pinned.error().message;
  EXPECT_EQ(pinned->commit, kOld);
  auto recorded = (*catalog)->record_upstream_change(
      UpstreamChange{0, kRepo.kind, kRepo.name, kChangeDeletedUpstream, "gone", 0});
  ASSERT_TRUE(recorded) << recorded.error().message;
}

}  // namespace
}  // namespace mirrord
