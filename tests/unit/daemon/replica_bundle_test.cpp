// Bundles (daemon/replica/bundle_*.hpp): export to a directory and to a tar, import into another
// mirror, incremental bundles, and bundles damaged in each way an import must refuse.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "daemon/replica/bundle_export.hpp"
#include "daemon/replica/bundle_import.hpp"
#include "daemon/replica/bundle_index.hpp"
#include "policies/inspect/base64.hpp"
#include "policies/inspect/snapshot_manifest.hpp"
#include "tests/unit/daemon/replica_fixture.hpp"

namespace mirrord {
namespace {

using replica_fixture::Mirror;
namespace fs = std::filesystem;

const RepoKey kSmall{"model", "org/small"};
const RepoKey kLarge{"model", "org/large"};
const std::string kWeights(300000, 'w');

class ReplicaBundleTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    auto key = SigningKey::generate();
    auto importer_key = SigningKey::generate();
    ASSERT_TRUE(key && importer_key);
    key_.emplace(std::move(*key));
    importer_key_.emplace(std::move(*importer_key));
    publish(kSmall, {exporter_.stored("config.json", "{}")});
    publish(kLarge, {exporter_.stored("config.json", "{}"),
                     exporter_.stored("model.safetensors", kWeights, true)});
  }

  void publish(const RepoKey& repo, std::vector<SnapshotFile> files) {
    NewSnapshot snapshot{repo, std::string(40, 'a'), std::move(files), "{}", {"main"}};
    snapshot.trust =
        signed_trust(repo, snapshot.commit, snapshot.files, R"({"decision":"ok"})", &*key_);
    ASSERT_TRUE(exporter_.catalog->publish_snapshot(snapshot));
  }

  fs::path bundle(const std::string& name) const {
    return out_.path() / (name + GetParam());  // "" (a directory) or ".tar"
  }

  Result<replica::ExportResult> export_to(const fs::path& to, std::vector<RepoKey> repos,
                                          std::optional<fs::path> since = std::nullopt) {
    replica::ExportRequest request{std::move(repos), to, std::move(since), 1795897946};
    return replica::export_bundle(request, *exporter_.catalog, *exporter_.store, *key_, nullptr,
                                  {});
  }

  Result<replica::ImportResult> import_from(const fs::path& from, Mirror& into) {
    return replica::import_bundle(from, {key_->public_pem()}, *importer_key_, *into.store,
                                  *into.catalog, nullptr, {});
  }

  static bool visible(Mirror& mirror, const RepoKey& repo) {
    auto ref = mirror.catalog->resolve_ref(repo, "main");
    return ref && *ref;
  }

  Mirror exporter_;
  Mirror importer_;
  testing::TempDir out_;
  std::optional<SigningKey> key_;
  std::optional<SigningKey> importer_key_;
};

TEST_P(ReplicaBundleTest, ExportThenImportPublishesEveryRepo) {
  auto exported = export_to(bundle("all"), {kSmall, kLarge});
  ASSERT_TRUE(exported) << exported.error().message;
  EXPECT_EQ(exported->records, 2u);
  EXPECT_EQ(exported->blobs, 2u);  // config.json is shared
  EXPECT_EQ(exported->blob_bytes, kWeights.size() + 2);
  auto imported = import_from(bundle("all"), importer_);
  ASSERT_TRUE(imported) << imported.error().message;
  EXPECT_EQ(imported->bundle_id, exported->bundle_id);
  EXPECT_EQ(imported->key_id, key_->key_id());
  EXPECT_EQ(imported->applied.snapshots_published, 2u);
  EXPECT_TRUE(visible(importer_, kSmall));
  EXPECT_TRUE(visible(importer_, kLarge));
  EXPECT_TRUE(importer_.store->contains(sha256_of(kWeights)));
}

TEST_P(ReplicaBundleTest, ImportedManifestsAreSignedByTheImportingMirror) {
  ASSERT_TRUE(export_to(bundle("all"), {kLarge}));
  ASSERT_TRUE(import_from(bundle("all"), importer_));
  auto snapshot = importer_.catalog->find_snapshot(kLarge, std::string(40, 'a'));
  ASSERT_TRUE(snapshot && *snapshot);
  auto trust = importer_.catalog->snapshot_trust((*snapshot)->id);
  ASSERT_TRUE(trust);
  EXPECT_EQ(trust->verdict_json, R"({"decision":"ok"})");
  const auto signature = base64_decode_strict(trust->manifest_signature);
  ASSERT_TRUE(signature);
  EXPECT_TRUE(verify_ed25519(importer_key_->public_pem(), trust->manifest, *signature));
  EXPECT_FALSE(verify_ed25519(key_->public_pem(), trust->manifest, *signature));
  EXPECT_NE(trust->manifest.find(importer_key_->key_id()), std::string::npos);
}

TEST_P(ReplicaBundleTest, AnIncrementalBundleLeavesOutItsBaseBlobsAndNeedsThem) {
  ASSERT_TRUE(export_to(bundle("base"), {kSmall}));
  auto delta = export_to(bundle("delta"), {kSmall, kLarge}, bundle("base"));
  ASSERT_TRUE(delta) << delta.error().message;
  EXPECT_EQ(delta->blobs, 1u);
  EXPECT_EQ(delta->blobs_in_base, 1u);
  auto refused = import_from(bundle("delta"), importer_);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("import its base bundle"), std::string::npos)
      << refused.error().message;
  EXPECT_FALSE(visible(importer_, kSmall));
  ASSERT_TRUE(import_from(bundle("base"), importer_));
  auto imported = import_from(bundle("delta"), importer_);
  ASSERT_TRUE(imported) << imported.error().message;
  EXPECT_EQ(imported->applied.blobs_present, 1u);
  EXPECT_TRUE(visible(importer_, kLarge));
}

TEST_P(ReplicaBundleTest, AnUnknownKeyIsRefused) {
  ASSERT_TRUE(export_to(bundle("all"), {kSmall}));
  auto other = SigningKey::generate();
  ASSERT_TRUE(other);
  auto refused = replica::import_bundle(bundle("all"), {other->public_pem()}, *importer_key_,
                                        *importer_.store, *importer_.catalog, nullptr, {});
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("not signed by any"), std::string::npos);
  EXPECT_FALSE(visible(importer_, kSmall));
}

TEST_P(ReplicaBundleTest, ExportRefusesAnExistingTarget) {
  ASSERT_TRUE(export_to(bundle("all"), {kSmall}));
  auto again = export_to(bundle("all"), {kSmall});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
}

INSTANTIATE_TEST_SUITE_P(DirectoryAndTar, ReplicaBundleTest, ::testing::Values("", ".tar"),
                         [](const auto& info) {
                           return std::string(info.param).empty() ? "Directory" : "Tar";
                         });

// Damage done to a directory bundle, where members are files.
class ReplicaBundleDamageTest : public ReplicaBundleTest {};

void flip_byte(const fs::path& file, std::streamoff offset) {
  std::fstream stream(file, std::ios::in | std::ios::out | std::ios::binary);
  stream.seekg(offset);
  char byte = 0;
  stream.get(byte);
  stream.seekp(offset);
  stream.put(static_cast<char>(byte ^ 1));
}

TEST_P(ReplicaBundleDamageTest, EveryKindOfDamageRefusesTheWholeBundle) {
  ASSERT_TRUE(export_to(bundle("all"), {kSmall, kLarge}));
  const fs::path root = bundle("all");
  const std::string weights = replica::blob_member(sha256_of(kWeights));
  const std::vector<std::pair<fs::path, const char*>> damages = {
      {root / weights, "sha256 mismatch"},
      {root / "records" / "000002.json", "does not match the digest"},
      {root / "records" / "000001.sig", "verifies with none"},
      {root / "index.json", "not signed by any"},
  };
  for (const auto& [file, reason] : damages) {
    SCOPED_TRACE(file.string());
    fs::path copy = out_.path() / "copy";
    fs::remove_all(copy);
    fs::copy(root, copy, fs::copy_options::recursive);
    flip_byte(copy / fs::relative(file, root), 20);
    Mirror fresh;
    auto refused = import_from(copy, fresh);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("bundle refused"), std::string::npos);
    EXPECT_NE(refused.error().message.find(reason), std::string::npos) << refused.error().message;
    EXPECT_FALSE(visible(fresh, kSmall));
    EXPECT_FALSE(visible(fresh, kLarge));
  }
}

TEST_P(ReplicaBundleDamageTest, ATruncatedTarIsRefusedAndResumesOnceWhole) {
  const fs::path tar = out_.path() / "all.tar";
  ASSERT_TRUE(export_to(tar, {kLarge}));
  const fs::path cut = out_.path() / "cut.tar";
  fs::copy_file(tar, cut);
  fs::resize_file(cut, fs::file_size(tar) - 100000);
  auto refused = import_from(cut, importer_);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("truncated"), std::string::npos)
      << refused.error().message;
  EXPECT_FALSE(visible(importer_, kLarge));
  auto whole = import_from(tar, importer_);
  ASSERT_TRUE(whole) << whole.error().message;
  // Only the weights are fetched again (from the .part the cut import left, if any).
  EXPECT_EQ(whole->applied.blobs_present, 1u);
  EXPECT_LE(whole->applied.bytes_fetched, kWeights.size());
  EXPECT_TRUE(visible(importer_, kLarge));
}

INSTANTIATE_TEST_SUITE_P(Directory, ReplicaBundleDamageTest, ::testing::Values(""));

TEST(ReplicaBundleIndexTest, RoundTripsAndRefusesHostileIndexes) {
  replica::BundleIndex index{7, "id", "pem", "", {}, {}};
  index.records.push_back({replica::record_member_name(0), sha256_of("r")});
  index.blobs.push_back({sha256_of("b"), 1});
  auto parsed = replica::parse_index(replica::serialize_index(index));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->records[0].name, "records/000001");
  EXPECT_EQ(parsed->blobs[0].size, 1u);
  for (const char* hostile :
       {R"({"format":"other"})",
        R"({"base_bundle":"","blobs":[],"created_at":1,"format":"mirrord-bundle/v1",)"
        R"("key_id":"","public_key_pem":"","records":[{"name":"../x","sha256":"00"}]})",
        R"({"base_bundle":"x","blobs":[],"created_at":1,"format":"mirrord-bundle/v1",)"
        R"("key_id":"","public_key_pem":"","records":[]})",
        R"({"base_bundle":"","blobs":[{"sha256":"zz","size":1}],"created_at":1,)"
        R"("format":"mirrord-bundle/v1","key_id":"","public_key_pem":"","records":[]})",
        "[1"}) {
    EXPECT_FALSE(replica::parse_index(hostile)) << hostile;
  }
}

}  // namespace
}  // namespace mirrord
