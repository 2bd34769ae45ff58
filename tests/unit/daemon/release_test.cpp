// release_quarantined (daemon/trust/release.hpp): the file joins its snapshot with a recorded
// reason, the verdict says so, and the manifest is signed again over the new file list.
#include "daemon/trust/release.hpp"

#include <gmock/gmock.h>
#include <nlohmann/json.hpp>

#include "policies/inspect/base64.hpp"
#include "tests/unit/daemon/trust_fixture.hpp"

namespace mirrord {
namespace {

using ::testing::HasSubstr;
using trust_fixture::kCommit;
using trust_fixture::kRepo;

class ReleaseTest : public trust_fixture::TrustFixture {};

TEST_F(ReleaseTest, TheFileJoinsItsSnapshotWithAFreshSignedManifest) {
  const std::string verdict = R"({"counts":{"admitted":1,"refused":1,"released":0},)"
                              R"("files":[{"path":"evil.bin","status":"refused"}]})";
  const std::int64_t id = publish({stored("a.bin", "aaaa")}, verdict);
  const SnapshotFile evil = stored("evil.bin", "evil");
  auto entry_id =
      catalog_->record_quarantine({0, kRepo, kCommit, evil, "pickle imports os.system"});
  ASSERT_TRUE(entry_id);
  auto released = release_quarantined(*catalog_, *entry_id, "reviewed: fixture", key_file());
  ASSERT_TRUE(released) << released.error().message;
  EXPECT_EQ(released->release_reason, "reviewed: fixture");
  EXPECT_TRUE(catalog_->find_file(id, "evil.bin")->has_value());
  const SnapshotTrust trust = *catalog_->snapshot_trust(id);
  const auto updated = nlohmann::json::parse(trust.verdict_json);
  EXPECT_EQ(updated["files"][0]["status"], "released");
  EXPECT_EQ(updated["files"][0]["release_reason"], "reviewed: fixture");
  EXPECT_EQ(updated["counts"]["refused"], 0);
  EXPECT_EQ(updated["counts"]["released"], 1);
  EXPECT_TRUE(verify_ed25519(key_->public_pem(), trust.manifest,
                             *base64_decode_strict(trust.manifest_signature)));
  EXPECT_THAT(trust.manifest, HasSubstr("evil.bin"));
}

TEST_F(ReleaseTest, RefusesAnEmptyReasonAnUnknownIdAndASecondRelease) {
  publish({stored("a.bin", "aaaa")});
  auto entry_id =
      catalog_->record_quarantine({0, kRepo, kCommit, stored("evil.bin", "evil"), "refused"});
  ASSERT_TRUE(entry_id);
  EXPECT_EQ(release_quarantined(*catalog_, *entry_id, "", key_file()).error().code,
            ErrorCode::kInvalidInput);
  EXPECT_EQ(release_quarantined(*catalog_, 999, "x", key_file()).error().code,
            ErrorCode::kNotFound);
  ASSERT_TRUE(release_quarantined(*catalog_, *entry_id, "once", key_file()));
  EXPECT_EQ(release_quarantined(*catalog_, *entry_id, "twice", key_file()).error().code,
            ErrorCode::kConflict);
}

}  // namespace
}  // namespace mirrord
