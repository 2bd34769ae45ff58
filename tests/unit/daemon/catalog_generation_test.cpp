// GenerationCatalog: forwards to the catalog it wraps and bumps the generation after every
// publish, failed ones included; reads and job bookkeeping leave it alone.
#include "daemon/catalog_generation.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "storage/digest.hpp"

namespace mirrord {
namespace {

class GenerationCatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::path(::testing::TempDir()) / "catalog_generation_XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    auto inner = Catalog::open(dir_ / "catalog.db");
    ASSERT_TRUE(inner.ok()) << inner.error().message;
    generation_ = std::make_shared<CatalogGeneration>();
    catalog_ = std::make_shared<GenerationCatalog>(std::move(inner.value()), generation_);
  }
  void TearDown() override {
    catalog_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  NewSnapshot snapshot_of(const std::string& content) {
    BlobInfo blob{sha256_of(content), git_blob_oid_of(content), content.size()};
    EXPECT_TRUE(catalog_->record_blob(blob).ok());
    NewSnapshot snapshot;
    snapshot.repo = {"model", "org/name"};
    snapshot.commit = "1111111111111111111111111111111111111111";
    snapshot.files = {{"a.txt", blob.sha256, *blob.git_oid, false, blob.size}};
    snapshot.refs = {"main"};
    return snapshot;
  }

  std::filesystem::path dir_;
  std::shared_ptr<CatalogGeneration> generation_;
  std::shared_ptr<GenerationCatalog> catalog_;
};

TEST_F(GenerationCatalogTest, APublishBumpsTheGenerationAndIsVisibleThroughTheWrapper) {
  const std::uint64_t before = generation_->current();
  auto published = catalog_->publish_snapshot(snapshot_of("hello\n"));
  ASSERT_TRUE(published.ok()) << published.error().message;
  EXPECT_EQ(generation_->current(), before + 1);
  EXPECT_EQ(catalog_->generation(), generation_);
  auto commit = catalog_->resolve_ref({"model", "org/name"}, "main");
  ASSERT_TRUE(commit.ok());
  EXPECT_EQ(commit->value_or(""), "1111111111111111111111111111111111111111");
  auto file = catalog_->find_file(*published, "a.txt");
  ASSERT_TRUE(file.ok() && file->has_value());
  EXPECT_EQ((*file)->size, 6u);
}

TEST_F(GenerationCatalogTest, ARefusedPublishBumpsTooAndReadsNever) {
  NewSnapshot bad = snapshot_of("x");
  bad.files[0].sha256 = sha256_of("never recorded");
  const std::uint64_t before = generation_->current();
  EXPECT_FALSE(catalog_->publish_snapshot(bad).ok());
  EXPECT_EQ(generation_->current(), before + 1);

  ASSERT_TRUE(catalog_->repo_exists({"model", "org/name"}).ok());
  ASSERT_TRUE(catalog_->list_repos().ok());
  auto job = catalog_->create_job("t", "k");
  ASSERT_TRUE(job.ok());
  EXPECT_TRUE(catalog_->get_job(*job).ok());
  EXPECT_EQ(generation_->current(), before + 1) << "reads and jobs change nothing served";
}

}  // namespace
}  // namespace mirrord
