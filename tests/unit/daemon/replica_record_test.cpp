#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "daemon/pypi/project_state.hpp"
#include "daemon/replica/record_checks.hpp"
#include "tests/unit/daemon/replica_fixture.hpp"

namespace mirrord {
namespace {

using nlohmann::json;
using replica::SignedRecord;
using replica_fixture::Mirror;

const RepoKey kRepo{"pypi", "pypi/demo"};
const std::string kCommit = "7ae557604adf67be50417f59c2c2f167def9a775";

class ReplicaRecordTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = SigningKey::generate();
    ASSERT_TRUE(key);
    key_.emplace(std::move(*key));
    trusted_ = {key_->public_pem()};
  }

  std::vector<SignedRecord> publish_and_export(const NewSnapshot& snapshot) {
    EXPECT_TRUE(source_.catalog->publish_snapshot(snapshot));
    auto records = replica::export_records(*source_.catalog, snapshot.repo, *key_);
    EXPECT_TRUE(records) << records.error().message;
    return records ? *records : std::vector<SignedRecord>{};
  }

  // Shaped like a PyPI project page: a regular file, an LFS-like file, and a wheel whose core
  // metadata is an extra blob named by the page's state.
  NewSnapshot model_snapshot() {
    NewSnapshot snapshot{kRepo, kCommit, {}, "", {"main", "v1"}};
    snapshot.files = {source_.stored("config.json", "{\"a\": 1}"),
                      source_.stored("model.safetensors", std::string(1000, 'w'), true)};
    pypi::PublishedFile wheel;
    wheel.filename = "demo-1.0-py3-none-any.whl";
    wheel.version = "1.0";
    wheel.sha256 = snapshot.files[0].sha256;
    wheel.size = 8;
    wheel.core_metadata = source_.stored("meta", "Metadata-Version: 2.1\n").sha256;
    snapshot.extra_blobs = {*wheel.core_metadata};
    snapshot.info_json = pypi::ProjectState{"demo", {wheel}}.to_json();
    snapshot.trust = SnapshotTrust{R"({"admitted":true})", "manifest-bytes", "c2ln"};
    return snapshot;
  }

  // The record re-serialized after `edit` and signed again with the trusted key.
  SignedRecord resigned(const SignedRecord& record, const std::function<void(json&)>& edit) {
    json parsed = json::parse(record.bytes);
    edit(parsed);
    SignedRecord changed{parsed.dump(), {}};
    changed.signature = key_->sign(changed.bytes);
    return changed;
  }

  std::string rejection(const SignedRecord& record) {
    auto verified = replica::verify_record(record, trusted_);
    EXPECT_FALSE(verified);
    if (verified)
      return "";
    EXPECT_EQ(verified.error().code, ErrorCode::kInvalidInput);
    return verified.error().message;
  }

  Mirror source_;
  std::optional<SigningKey> key_;
  std::vector<std::string> trusted_;
};

TEST_F(ReplicaRecordTest, RoundTripCarriesEverythingTheServingSideReads) {
  const NewSnapshot original = model_snapshot();
  const auto records = publish_and_export(original);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].signature.size(), 64u);
  auto verified = replica::verify_record(records[0], trusted_);
  ASSERT_TRUE(verified) << verified.error().message;
  const NewSnapshot& copy = verified->snapshot;
  EXPECT_EQ(copy.repo, kRepo);
  EXPECT_EQ(copy.commit, kCommit);
  EXPECT_EQ(copy.info_json, original.info_json);
  EXPECT_EQ(copy.refs, (std::vector<std::string>{"main", "v1"}));
  EXPECT_EQ(copy.trust.verdict_json, original.trust.verdict_json);
  EXPECT_EQ(copy.trust.manifest, "manifest-bytes");
  EXPECT_EQ(copy.trust.manifest_signature, "c2ln");
  EXPECT_EQ(copy.extra_blobs, original.extra_blobs);
  ASSERT_EQ(copy.files.size(), 2u);
  EXPECT_EQ(copy.files[1].path, "model.safetensors");
  EXPECT_TRUE(copy.files[1].lfs);
  EXPECT_EQ(copy.files[1].git_oid, original.files[1].git_oid);
  EXPECT_EQ(copy.files[1].size, 1000u);
  EXPECT_EQ(verified->key_id, key_->key_id());
  ASSERT_EQ(verified->blobs.size(), 3u);
  EXPECT_EQ(verified->blobs[0].git_oid, original.files[0].git_oid);  // a regular file
  EXPECT_FALSE(verified->blobs[1].git_oid);  // LFS: the pointer's id says nothing of the content
  EXPECT_FALSE(verified->blobs[1].compute_git_oid);
  EXPECT_EQ(verified->blobs[2].size, std::string("Metadata-Version: 2.1\n").size());
}

TEST_F(ReplicaRecordTest, ExportsEverySnapshotWithTheRefsPointingAtIt) {
  NewSnapshot first{kRepo, kCommit, {source_.stored("a", "one")}, "{}", {"main"}};
  publish_and_export(first);
  NewSnapshot second{kRepo, std::string(40, 'b'), {source_.stored("a", "two")}, "{}", {"main"}};
  const auto records = publish_and_export(second);
  ASSERT_EQ(records.size(), 2u);
  auto old_one = replica::verify_record(records[0], trusted_);
  auto new_one = replica::verify_record(records[1], trusted_);
  ASSERT_TRUE(old_one && new_one);
  EXPECT_TRUE(old_one->snapshot.refs.empty());
  EXPECT_EQ(new_one->snapshot.refs, std::vector<std::string>{"main"});
}

TEST_F(ReplicaRecordTest, ExportOfAnUnknownRepoIsNotFound) {
  auto records = replica::export_records(*source_.catalog, kRepo, *key_);
  ASSERT_FALSE(records);
  EXPECT_EQ(records.error().code, ErrorCode::kNotFound);
}

TEST_F(ReplicaRecordTest, CarriesResignedApt) {
  NewSnapshot apt{
      RepoKey{"apt", "debian"}, std::string(40, 'c'), {}, R"({"mode":"resign"})", {"current"}};
  ASSERT_TRUE(source_.catalog->publish_snapshot(apt));
  auto resigned = replica::export_records(*source_.catalog, apt.repo, *key_);
  ASSERT_TRUE(resigned) << resigned.error().message;
  auto verified = replica::verify_record(resigned->front(), trusted_);
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_EQ(verified->snapshot.info_json, R"({"mode":"resign"})");
}

TEST_F(ReplicaRecordTest, RefusesAChangedByte) {
  auto record = publish_and_export(model_snapshot())[0];
  record.bytes[record.bytes.find("main")] = 'n';
  EXPECT_NE(rejection(record).find("signature"), std::string::npos);
}

TEST_F(ReplicaRecordTest, RefusesABadOrShortSignature) {
  auto record = publish_and_export(model_snapshot())[0];
  record.signature[10] ^= 1;
  EXPECT_NE(rejection(record).find("signature"), std::string::npos);
  record.signature.resize(10);
  EXPECT_NE(rejection(record).find("64 bytes"), std::string::npos);
}

TEST_F(ReplicaRecordTest, RefusesAnUnknownKey) {
  const auto record = publish_and_export(model_snapshot())[0];
  auto other = SigningKey::generate();
  ASSERT_TRUE(other);
  EXPECT_FALSE(replica::verify_record(record, {other->public_pem()}));
  EXPECT_FALSE(replica::verify_record(record, {}));
  EXPECT_FALSE(replica::verify_record(record, {"not a pem"}));
}

TEST_F(ReplicaRecordTest, RefusesAKeyIdThatIsNotTheSigner) {
  const auto record = publish_and_export(model_snapshot())[0];
  auto changed = resigned(record, [](json& r) { r["key_id"] = std::string(64, 'a'); });
  EXPECT_NE(rejection(changed).find("was signed by"), std::string::npos);
}

TEST_F(ReplicaRecordTest, RefusesNonCanonicalBytes) {
  const auto record = publish_and_export(model_snapshot())[0];
  SignedRecord spaced{json::parse(record.bytes).dump(1), {}};
  spaced.signature = key_->sign(spaced.bytes);
  EXPECT_NE(rejection(spaced).find("canonical"), std::string::npos);
}

TEST_F(ReplicaRecordTest, RefusesHostileFields) {
  const auto record = publish_and_export(model_snapshot())[0];
  const std::vector<std::pair<std::string, std::function<void(json&)>>> cases = {
      {"format", [](json& r) { r["format"] = "mirrord-snapshot-record/v2"; }},
      {"unknown field", [](json& r) { r["extra"] = 1; }},
      {"kind", [](json& r) { r["repo"]["kind"] = "tarball"; }},
      {"repo name", [](json& r) { r["repo"]["name"] = "../../etc"; }},
      {"commit", [](json& r) { r["commit"] = "../x"; }},
      {"commit", [](json& r) { r["commit"] = 7; }},
      {"path", [](json& r) { r["files"][0]["path"] = "/etc/passwd"; }},
      {"path", [](json& r) { r["files"][0]["path"] = "a/../../b"; }},
      {"path", [](json& r) { r["files"][0]["path"] = "a\\b"; }},
      {"path", [](json& r) { r["files"][0]["path"] = std::string("a\nb"); }},
      {"listed twice", [](json& r) { r["files"][1]["path"] = r["files"][0]["path"]; }},
      {"sha256", [](json& r) { r["files"][0]["sha256"] = "zz"; }},
      {"sha256", [](json& r) { r["files"][0]["sha256"] = std::string(64, 'A'); }},
      {"git_oid", [](json& r) { r["files"][0]["git_oid"] = std::string(39, 'a'); }},
      {"size", [](json& r) { r["files"][0]["size"] = -1; }},
      {"size", [](json& r) { r["files"][0]["size"] = 1.5; }},
      {"1 PiB", [](json& r) { r["files"][0]["size"] = std::uint64_t{1} << 60; }},
      {"lfs", [](json& r) { r["files"][0]["lfs"] = "yes"; }},
      {"two sizes", [](json& r) { r["files"][1]["sha256"] = r["files"][0]["sha256"]; }},
      {"ref", [](json& r) { r["refs"] = json::array({"a b"}); }},
      {"ref", [](json& r) { r["refs"] = json::array({"../main"}); }},
      {"info_json", [](json& r) { r["info_json"] = "[1"; }},
      {"verdict", [](json& r) { r["verdict"] = "3"; }},
      {"extra blob", [](json& r) { r["extra_blobs"][0]["mode"] = 1; }},
  };
  for (const auto& [expected, edit] : cases) {
    const std::string reason = rejection(resigned(record, edit));
    EXPECT_NE(reason.find(expected), std::string::npos) << expected << ": " << reason;
  }
}

TEST(ReplicaRecordChecks, AcceptsWhatEcosystemsPublish) {
  EXPECT_FALSE(replica::check_file_path("dists/bookworm/main/by-hash/SHA256/ab"));
  EXPECT_FALSE(replica::check_file_path(".upstream/bookworm/InRelease"));
  EXPECT_FALSE(replica::check_commit("delisted-0123456789abcdef"));
  EXPECT_FALSE(replica::check_ref("refs/pr/1"));
  EXPECT_FALSE(replica::check_repo_name("pypi/torch"));
  EXPECT_TRUE(replica::check_file_path("a//b"));
  EXPECT_TRUE(replica::check_file_path("a/"));
  EXPECT_TRUE(replica::check_file_path("./a"));
}

}  // namespace
}  // namespace mirrord
