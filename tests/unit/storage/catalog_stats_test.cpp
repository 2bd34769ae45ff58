// The catalog's statistics (storage/catalog_stats.cpp): the number and total size of recorded
// blobs, each content counted once however many times it is recorded.
#include <gtest/gtest.h>

#include "storage/catalog.hpp"
#include "tests/unit/storage/temp_dir.hpp"

namespace mirrord {
namespace {

BlobInfo blob_of(std::string_view content) {
  return {sha256_of(content), git_blob_oid_of(content), content.size()};
}

TEST(CatalogStatsTest, BlobTotalsCountEachRecordedContentOnce) {
  testing::TempDir dir;
  auto catalog = Catalog::open(dir.path() / "catalog.db");
  ASSERT_TRUE(catalog) << catalog.error().message;
  auto empty = (*catalog)->blob_totals();
  ASSERT_TRUE(empty) << empty.error().message;
  EXPECT_EQ(empty->blobs, 0u);
  EXPECT_EQ(empty->bytes, 0u);
  ASSERT_TRUE((*catalog)->record_blob(blob_of("hello\n")));
  ASSERT_TRUE((*catalog)->record_blob(blob_of("a larger blob of bytes")));
  ASSERT_TRUE((*catalog)->record_blob(blob_of("hello\n")));  // the same content again
  auto totals = (*catalog)->blob_totals();
  ASSERT_TRUE(totals) << totals.error().message;
  EXPECT_EQ(totals->blobs, 2u);
  EXPECT_EQ(totals->bytes, 6u + 22u);
}

}  // namespace
}  // namespace mirrord
