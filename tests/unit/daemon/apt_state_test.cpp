#include "daemon/apt/apt_state.hpp"

#include <gtest/gtest.h>

#include "daemon/apt/apt_blobs.hpp"
#include "daemon/apt/upstream_release.hpp"
#include "tests/unit/storage/temp_dir.hpp"

namespace mirrord::apt {
namespace {

class AptStateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = *make_local_blob_store(dir_.path(), make_posix_file_system());
    catalog_ = std::move(Catalog::open(dir_.path() / "catalog.db")).value();
  }

  SnapshotFile file(const std::string& path, const std::string& content) {
    return snapshot_file(path, *store_bytes(*store_, *catalog_, content));
  }

  AptRepoState state(std::int64_t date) {
    AptRepoState state;
    state.mode = "verbatim";
    state.suites["stable"].upstream_date = date;
    state.suites["stable"].served_date = date;
    state.suites["stable"].upstream_valid_until = date + 100;
    return state;
  }

  mirrord::testing::TempDir dir_;
  std::shared_ptr<BlobStore> store_;
  std::shared_ptr<Catalog> catalog_;
};

TEST_F(AptStateTest, JsonRoundTrips) {
  AptRepoState original = state(5);
  original.suites["stable"].signer = "ABC";
  original.retained.push_back({"c1", 99});
  const auto parsed = state_from_json(state_to_json(original));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->mode, "verbatim");
  EXPECT_EQ(parsed->suites.at("stable").upstream_valid_until, 105);
  EXPECT_FALSE(parsed->suites.at("stable").served_valid_until);
  EXPECT_EQ(parsed->suites.at("stable").signer, "ABC");
  ASSERT_EQ(parsed->retained.size(), 1u);
  EXPECT_EQ(parsed->retained[0].until, 99);
  EXPECT_FALSE(state_from_json("[]").ok());
  EXPECT_FALSE(state_from_json(R"({"suites":{"s":{}}})").ok());
}

TEST_F(AptStateTest, PublishesMovesCurrentAndRetainsThePrevious) {
  auto none = load_current(*catalog_, "deb");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);
  const auto first = publish_state(*catalog_, "deb", {file("dists/stable/InRelease", "one")},
                                   state(10), std::nullopt, 1000);
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto current = load_current(*catalog_, "deb");
  ASSERT_TRUE(current.ok() && *current);
  EXPECT_EQ((*current)->info.commit, *first);
  EXPECT_TRUE((*current)->state.retained.empty());

  // The same content again changes nothing.
  const auto same = publish_state(*catalog_, "deb", {file("dists/stable/InRelease", "one")},
                                  state(10), *current, 2000);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(*same, *first);

  const auto second = publish_state(*catalog_, "deb", {file("dists/stable/InRelease", "two")},
                                    state(20), *current, 3000);
  ASSERT_TRUE(second.ok());
  EXPECT_NE(*second, *first);
  current = load_current(*catalog_, "deb");
  ASSERT_EQ((*current)->state.retained.size(), 1u);
  EXPECT_EQ((*current)->state.retained[0].commit, *first);
  EXPECT_EQ((*current)->state.retained[0].until, 3000 + kRetainSeconds);
  EXPECT_EQ((*current)->state.suites.at("stable").upstream_date, 20);

  // Expired retained snapshots are dropped at the next publish.
  const auto third = publish_state(*catalog_, "deb", {file("dists/stable/InRelease", "three")},
                                   state(30), *current, 3000 + kRetainSeconds + 1);
  ASSERT_TRUE(third.ok());
  current = load_current(*catalog_, "deb");
  ASSERT_EQ((*current)->state.retained.size(), 1u);
  EXPECT_EQ((*current)->state.retained[0].commit, *second);
}

TEST_F(AptStateTest, RefusesTwoBlobsUnderOnePath) {
  const auto published =
      publish_state(*catalog_, "deb", {file("pool/a.deb", "one"), file("pool/a.deb", "two")},
                    state(1), std::nullopt, 1);
  ASSERT_FALSE(published.ok());
  EXPECT_EQ(published.error().code, ErrorCode::kConflict);
}

UpstreamRelease release_dated(std::int64_t date, std::optional<std::int64_t> valid_until,
                              const std::string& text = "text") {
  UpstreamRelease release;
  release.suite = "stable";
  release.signed_text = text;
  release.info.date = date;
  release.info.valid_until = valid_until;
  return release;
}

TEST(AptReleaseDates, AcceptsNewAndUnchanged) {
  const std::int64_t now = 1000;
  EXPECT_EQ(*check_release_dates(release_dated(900, 2000), std::nullopt, now, AptMode::kVerbatim),
            ReleaseChange::kNew);
  const AcceptedRelease previous{900, sha256_of("text").hex(), 900};
  EXPECT_EQ(*check_release_dates(release_dated(900, 2000), previous, now, AptMode::kVerbatim),
            ReleaseChange::kUnchanged);
  EXPECT_EQ(*check_release_dates(release_dated(950, 2000), previous, now, AptMode::kVerbatim),
            ReleaseChange::kNew);
  EXPECT_TRUE(check_release_dates(release_dated(now + 10, {}), previous, now, AptMode::kVerbatim)
                  .ok());  // within apt's 10 s
}

TEST(AptReleaseDates, RefusesFutureRollbackAndSameDateChanges) {
  const std::int64_t now = 1000;
  const AcceptedRelease previous{900, sha256_of("text").hex(), 900};
  EXPECT_EQ(check_release_dates(release_dated(now + 11, {}), previous, now, AptMode::kVerbatim)
                .error()
                .code,
            ErrorCode::kInvalidInput);
  const auto rollback =
      check_release_dates(release_dated(899, {}), previous, now, AptMode::kResign);
  ASSERT_FALSE(rollback.ok());
  EXPECT_NE(rollback.error().message.find("rollback"), std::string::npos);
  EXPECT_FALSE(
      check_release_dates(release_dated(900, {}, "other"), previous, now, AptMode::kVerbatim).ok());
}

TEST(AptReleaseDates, ExpiredIsStaleInVerbatimModeOnly) {
  const auto stale =
      check_release_dates(release_dated(900, 999), std::nullopt, 1000, AptMode::kVerbatim);
  ASSERT_FALSE(stale.ok());
  EXPECT_NE(stale.error().message.find("stale"), std::string::npos);
  EXPECT_TRUE(
      check_release_dates(release_dated(900, 999), std::nullopt, 1000, AptMode::kResign).ok());
}

TEST(AptReleaseDates, VerbatimRefusesAnUpstreamOlderThanAResignedRelease) {
  const AcceptedRelease resigned{900, sha256_of("text").hex(), 990};
  EXPECT_FALSE(
      check_release_dates(release_dated(950, {}), resigned, 1000, AptMode::kVerbatim).ok());
  EXPECT_TRUE(check_release_dates(release_dated(950, {}), resigned, 1000, AptMode::kResign).ok());
  EXPECT_TRUE(check_release_dates(release_dated(995, {}), resigned, 1000, AptMode::kVerbatim).ok());
}

}  // namespace
}  // namespace mirrord::apt
