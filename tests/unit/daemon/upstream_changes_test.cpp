// Recording upstream changes from a pull (daemon/upstream_changes.hpp): a repo gone upstream is
// recorded only when the mirror published it, and the error then says it stays served.
#include "daemon/upstream_changes.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/storage/temp_dir.hpp"

namespace mirrord {
namespace {

using ::testing::HasSubstr;

const RepoKey kRepo{"model", "org/model"};

class UpstreamChangesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto catalog = Catalog::open(dir_.path() / "catalog.db");
    ASSERT_TRUE(catalog) << catalog.error().message;
    catalog_ = std::move(*catalog);
  }

  void publish() {
    NewSnapshot snapshot{kRepo, std::string(40, 'a'), {}, "{}", {"main"}};
    ASSERT_TRUE(catalog_->publish_snapshot(snapshot));
  }

  std::vector<UpstreamChange> recorded() {
    auto changes = catalog_->list_upstream_changes(nullptr);
    EXPECT_TRUE(changes);
    return changes ? *changes : std::vector<UpstreamChange>{};
  }

  testing::TempDir dir_;
  std::unique_ptr<Catalog> catalog_;
};

TEST_F(UpstreamChangesTest, AGoneRepoThatWasPublishedIsRecordedAndStillServed) {
  publish();
  const Error error = note_upstream_gone(
      *catalog_, kRepo, make_error(ErrorCode::kNotFound, "upstream answered HTTP 404"));
  EXPECT_EQ(error.code, ErrorCode::kNotFound);
  EXPECT_THAT(error.message, HasSubstr("keeps serving its published snapshots"));
  const auto changes = recorded();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].change, kChangeDeletedUpstream);
  EXPECT_EQ(changes[0].detail, "upstream answered HTTP 404");
}

TEST_F(UpstreamChangesTest, ARepoNeverPublishedIsNotRecorded) {
  const Error error =
      note_upstream_gone(*catalog_, kRepo, make_error(ErrorCode::kNotFound, "no such repo"));
  EXPECT_EQ(error.message, "no such repo");
  EXPECT_TRUE(recorded().empty());
}

TEST_F(UpstreamChangesTest, OtherFailuresAreNotDeletions) {
  publish();
  const Error error =
      note_upstream_gone(*catalog_, kRepo, make_error(ErrorCode::kUpstreamRetryable, "503"));
  EXPECT_EQ(error.message, "503");
  EXPECT_TRUE(recorded().empty());
}

}  // namespace
}  // namespace mirrord
