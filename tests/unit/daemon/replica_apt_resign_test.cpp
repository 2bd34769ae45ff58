#include <gtest/gtest.h>

#include <algorithm>

#include "daemon/apt/apt_blobs.hpp"
#include "daemon/apt/apt_state.hpp"
#include "daemon/apt/gpgv.hpp"
#include "daemon/apt/release_date.hpp"
#include "daemon/replica/apt_resign.hpp"
#include "tests/unit/daemon/apt_gpg_fixture.hpp"
#include "tests/unit/daemon/replica_fixture.hpp"

namespace mirrord {
namespace {

using apt::testing::TestKey;
using replica::VerifiedRecord;
using replica_fixture::Mirror;
using replica_fixture::ScriptedSource;

const RepoKey kRepo{"apt", "debian"};
const std::string kCommit = "0123456789abcdef0123456789abcdef01234567";
const std::int64_t kExportedDate = 1700000000;
const std::int64_t kValidSeconds = 3 * 86400;
const std::int64_t kNow = 1800000000;
const std::string kPackages = "Package: hello\nVersion: 1\n";
const std::string kDeb = "the bytes of hello_1_all.deb";

std::string upstream_signed_text() {
  return "Origin: Debian\nSuite: stable\nCodename: bookworm\nDate: " +
         apt::format_release_date(kExportedDate - 60) + "\nSHA256:\n " +
         sha256_of(kPackages).hex() + " " + std::to_string(kPackages.size()) +
         " main/binary-amd64/Packages\n";
}

class ReplicaAptResignTest : public ::testing::Test {
 protected:
  // A resign snapshot as the exporter serves it: its Release signed by the exporter's key.
  void publish_on_exporter(const std::string& mode, const std::string& evidence) {
    const std::string release = "Origin: Debian\nDate: " + apt::format_release_date(kExportedDate);
    const auto signed_release = exporter_key_.mirror_key().sign(release);
    ASSERT_TRUE(signed_release);
    NewSnapshot snapshot{kRepo, kCommit, {}, "", {"current"}};
    snapshot.files = {
        stored("dists/bookworm/InRelease", signed_release->inrelease),
        stored("dists/bookworm/Release", release),
        stored("dists/bookworm/Release.gpg", signed_release->release_gpg),
        stored("dists/bookworm/main/binary-amd64/Packages", kPackages),
        stored(".upstream/bookworm/signed-text", evidence),
        stored("pool/main/h/hello/hello_1_all.deb", kDeb),
    };
    std::sort(snapshot.files.begin(), snapshot.files.end(),
              [](const auto& a, const auto& b) { return a.path < b.path; });
    apt::AptRepoState state;
    state.mode = mode;
    apt::SuiteState& suite = state.suites["bookworm"];
    suite.upstream_date = kExportedDate - 60;
    suite.signed_text_sha256 = sha256_of(upstream_signed_text()).hex();
    suite.served_date = kExportedDate;
    suite.served_valid_until = kExportedDate + kValidSeconds;
    state.content_id = apt::content_id_of(snapshot.files, state);
    snapshot.info_json = apt::state_to_json(state);
    ASSERT_TRUE(exporter_.catalog->publish_snapshot(snapshot));
    auto key = SigningKey::generate();
    ASSERT_TRUE(key);
    auto records = replica::export_records(*exporter_.catalog, kRepo, *key);
    ASSERT_TRUE(records) << records.error().message;
    auto verified = replica::verify_record(records->front(), {key->public_pem()});
    ASSERT_TRUE(verified) << verified.error().message;
    records_ = {std::move(*verified)};
  }

  SnapshotFile stored(const std::string& path, const std::string& content) {
    source_.add(content);
    return exporter_.stored(path, content);
  }

  Result<replica::ApplyResult> apply() {
    replica::ApplyProgress progress;
    progress.prepare = [this](VerifiedRecord& record) {
      return replica::resign_apt_snapshot(
          record.snapshot,
          replica::AptResignContext{*importer_.store, *importer_.catalog,
                                    importer_key_.mirror_key(), [] { return kNow; }});
    };
    return replica::apply_records(records_, source_, *importer_.store, *importer_.catalog, nullptr,
                                  progress);
  }

  std::string served(const apt::CurrentSnapshot& current, const std::string& path) {
    for (const SnapshotFile& file : current.files) {
      if (file.path == path) {
        auto bytes = apt::read_blob(*importer_.store, file.sha256, 1 << 20);
        EXPECT_TRUE(bytes) << bytes.error().message;
        return bytes ? *bytes : "";
      }
    }
    ADD_FAILURE() << path << " is not served";
    return "";
  }

  Result<apt::VerifiedText> verify_with(const TestKey& key, const std::string& inrelease) {
    apt::SignatureChecker checker(key.keyring(), {}, work_.path());
    MIRRORD_TRY(checker.prepare());
    return checker.verify_clearsigned(inrelease);
  }

  TestKey exporter_key_{"exporter"};
  TestKey importer_key_{"importer"};
  testing::TempDir work_;
  Mirror exporter_;
  Mirror importer_;
  ScriptedSource source_;
  std::vector<VerifiedRecord> records_;
};

TEST_F(ReplicaAptResignTest, ImporterSignsWithItsOwnKeyKeepingUpstreamsText) {
  publish_on_exporter("resign", upstream_signed_text());
  auto applied = apply();
  ASSERT_TRUE(applied) << applied.error().message;
  auto current = apt::load_current(*importer_.catalog, "debian");
  ASSERT_TRUE(current && *current);
  EXPECT_EQ((*current)->info.commit, kCommit);
  const std::string inrelease = served(**current, "dists/bookworm/InRelease");
  auto by_importer = verify_with(importer_key_, inrelease);
  ASSERT_TRUE(by_importer) << by_importer.error().message;
  EXPECT_FALSE(verify_with(exporter_key_, inrelease));
  const std::string release = served(**current, "dists/bookworm/Release");
  EXPECT_EQ(by_importer->text, release);
  EXPECT_NE(release.find("Date: " + apt::format_release_date(kNow)), std::string::npos);
  EXPECT_NE(release.find("Valid-Until: " + apt::format_release_date(kNow + kValidSeconds)),
            std::string::npos);
  EXPECT_NE(release.find(sha256_of(kPackages).hex()), std::string::npos);
  auto detached = apt::SignatureChecker(importer_key_.keyring(), {}, work_.path());
  ASSERT_TRUE(detached.prepare());
  EXPECT_TRUE(detached.verify_detached(release, served(**current, "dists/bookworm/Release.gpg")));
  EXPECT_EQ(served(**current, "pool/main/h/hello/hello_1_all.deb"), kDeb);
  const apt::SuiteState& suite = (*current)->state.suites.at("bookworm");
  EXPECT_EQ(suite.served_date, kNow);
  EXPECT_EQ(suite.served_valid_until, kNow + kValidSeconds);
  EXPECT_EQ((*current)->state.content_id, apt::content_id_of((*current)->files, (*current)->state));
}

TEST_F(ReplicaAptResignTest, ApplyingAgainLeavesThePublishedSnapshotAsItIs) {
  publish_on_exporter("resign", upstream_signed_text());
  ASSERT_TRUE(apply());
  auto first = apt::load_current(*importer_.catalog, "debian");
  ASSERT_TRUE(first && *first);
  auto again = apply();
  ASSERT_TRUE(again) << again.error().message;
  auto second = apt::load_current(*importer_.catalog, "debian");
  ASSERT_TRUE(second && *second);
  EXPECT_EQ((*second)->info.info_json, (*first)->info.info_json);
  EXPECT_EQ(served(**second, "dists/bookworm/InRelease"),
            served(**first, "dists/bookworm/InRelease"));
}

TEST_F(ReplicaAptResignTest, EvidenceThatIsNotTheSignedTextPublishesNothing) {
  publish_on_exporter("resign", upstream_signed_text() + "Extra: field\n");
  auto applied = apply();
  ASSERT_FALSE(applied);
  EXPECT_NE(applied.error().message.find("not the signed text"), std::string::npos)
      << applied.error().message;
  auto current = apt::load_current(*importer_.catalog, "debian");
  ASSERT_TRUE(current);
  EXPECT_FALSE(*current);
}

TEST_F(ReplicaAptResignTest, VerbatimSnapshotsAreServedAsExported) {
  publish_on_exporter("verbatim", upstream_signed_text());
  ASSERT_TRUE(apply());
  auto current = apt::load_current(*importer_.catalog, "debian");
  ASSERT_TRUE(current && *current);
  EXPECT_EQ((*current)->info.info_json, records_.front().snapshot.info_json);
  EXPECT_TRUE(verify_with(exporter_key_, served(**current, "dists/bookworm/InRelease")));
}

}  // namespace
}  // namespace mirrord
