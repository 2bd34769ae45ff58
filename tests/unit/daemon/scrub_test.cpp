// scrub (daemon/trust/scrub.hpp): intact stores pass; a corrupted, truncated or missing blob and a
// manifest that no longer matches are each reported where they are.
#include "daemon/trust/scrub.hpp"

#include <gmock/gmock.h>

#include <fstream>

#include "tests/unit/daemon/trust_fixture.hpp"

namespace mirrord {
namespace {

using ::testing::HasSubstr;
using trust_fixture::kRepo;

class ScrubTest : public trust_fixture::TrustFixture {
 protected:
  ScrubReport run(const std::optional<RepoKey>& repo = std::nullopt) {
    auto report = scrub(*catalog_, *store_, key_file(), repo, nullptr);
    EXPECT_TRUE(report) << report.error().message;
    return report ? *report : ScrubReport{};
  }

  void overwrite(const Sha256& digest, const std::string& bytes) {
    const auto path = blob_path(digest);
    std::filesystem::permissions(path, std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::add);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  }
};

TEST_F(ScrubTest, AnIntactStorePasses) {
  const SnapshotFile weights = stored("model.safetensors", "weights");
  publish({weights, stored("config.json", "{}")});
  const ScrubReport report = run();
  EXPECT_TRUE(report.problems.empty()) << report.problems.front();
  EXPECT_EQ(report.snapshots, 1u);
  EXPECT_EQ(report.files, 2u);
  EXPECT_EQ(report.blobs, 2u);
  EXPECT_EQ(report.bytes, 9u);
  EXPECT_EQ(report.manifests, 1u);
}

TEST_F(ScrubTest, ReportsCorruptedTruncatedAndMissingBlobs) {
  const SnapshotFile a = stored("a.bin", "aaaa");
  const SnapshotFile b = stored("b.bin", "bbbb");
  const SnapshotFile c = stored("c.bin", "cccc");
  publish({a, b, c});
  overwrite(a.sha256, "aaab");
  overwrite(b.sha256, "bb");
  std::filesystem::remove(blob_path(c.sha256));
  const ScrubReport report = run();
  ASSERT_EQ(report.problems.size(), 3u);
  EXPECT_THAT(report.problems[0], HasSubstr("a.bin"));
  EXPECT_THAT(report.problems[0], HasSubstr("corrupted on disk"));
  EXPECT_THAT(report.problems[1], HasSubstr("holds 2 bytes, not 4"));
  EXPECT_THAT(report.problems[2], HasSubstr("missing from the store"));
}

TEST_F(ScrubTest, ReportsAManifestThatNoLongerMatches) {
  const std::int64_t id = publish({stored("a.bin", "aaaa")});
  SnapshotTrust trust = *catalog_->snapshot_trust(id);
  trust.manifest[trust.manifest.size() / 2] ^= 0x01;
  ASSERT_TRUE(catalog_->set_snapshot_trust(id, trust));
  const ScrubReport report = run();
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_THAT(report.problems[0], HasSubstr("does not verify with the mirror's key"));
}

TEST_F(ScrubTest, OnlyTheNamedRepoIsScrubbedAndQuarantineToo) {
  const SnapshotFile a = stored("a.bin", "aaaa");
  publish({a});
  QuarantineEntry held{0, kRepo, trust_fixture::kCommit, stored("evil.bin", "evil"), "refused"};
  ASSERT_TRUE(catalog_->record_quarantine(held));
  overwrite(held.file.sha256, "eviL");
  EXPECT_EQ(run(RepoKey{"model", "other/repo"}).blobs, 0u);
  const ScrubReport report = run(kRepo);
  EXPECT_EQ(report.blobs, 2u);
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_THAT(report.problems[0], HasSubstr("quarantine #"));
}

TEST_F(ScrubTest, TheJobFailsNamingTheProblems) {
  const SnapshotFile a = stored("a.bin", "aaaa");
  publish({a});
  JobContext context;
  auto work = make_scrub_work(catalog_, store_, key_file(), std::nullopt);
  EXPECT_TRUE(work(context));
  overwrite(a.sha256, "zzzz");
  Status failed = work(context);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::kDigestMismatch);
  EXPECT_THAT(failed.error().message, HasSubstr("1 problem(s) found"));
}

}  // namespace
}  // namespace mirrord
