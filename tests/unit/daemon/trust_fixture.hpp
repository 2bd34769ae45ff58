// A store and catalog in a temporary directory with one published snapshot whose manifest is
// signed, for the tests of the trust side of the daemon (scrub, release, manifest routes).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "daemon/trust/mirror_keys.hpp"
#include "policies/inspect/signing_key.hpp"
#include "policies/inspect/snapshot_manifest.hpp"
#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"
#include "tests/unit/storage/temp_dir.hpp"

namespace mirrord::trust_fixture {

inline const RepoKey kRepo{"model", "org/model"};
inline const std::string kCommit = "7ae557604adf67be50417f59c2c2f167def9a775";

class TrustFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = make_local_blob_store(dir_.path(), make_posix_file_system());
    ASSERT_TRUE(store) << store.error().message;
    store_ = *store;
    auto catalog = Catalog::open(dir_.path() / "catalog.db");
    ASSERT_TRUE(catalog) << catalog.error().message;
    catalog_ = std::move(*catalog);
    auto key = SigningKey::load_or_create(key_file());
    ASSERT_TRUE(key) << key.error().message;
    key_.emplace(std::move(*key));
  }

  std::filesystem::path key_file() const { return manifest_key_path(dir_.path()); }

  // Ingests `content` into the store and records it; returns the file entry for `path`.
  SnapshotFile stored(const std::string& path, const std::string& content) {
    const Sha256 digest = sha256_of(content);
    auto ingest = store_->begin_ingest(ExpectedContent{content.size(), digest, std::nullopt});
    EXPECT_TRUE(ingest) << ingest.error().message;
    EXPECT_TRUE((*ingest)->write(std::as_bytes(std::span(content.data(), content.size()))));
    auto blob = (*ingest)->commit();
    EXPECT_TRUE(blob) << blob.error().message;
    EXPECT_TRUE(catalog_->record_blob(*blob));
    return SnapshotFile{path, digest, *blob->git_oid, true, content.size()};
  }

  std::int64_t publish(const std::vector<SnapshotFile>& files, const std::string& verdict = "{}") {
    NewSnapshot snapshot{kRepo, kCommit, files, "{}", {"main"}};
    snapshot.trust = signed_trust(kRepo, kCommit, files, verdict, &*key_);
    auto id = catalog_->publish_snapshot(snapshot);
    EXPECT_TRUE(id) << id.error().message;
    return id ? *id : 0;
  }

  std::filesystem::path blob_path(const Sha256& digest) const {
    const std::string hex = digest.hex();
    return dir_.path() / "blobs" / "sha256" / hex.substr(0, 2) / hex.substr(2, 2) / hex;
  }

  testing::TempDir dir_;
  std::shared_ptr<BlobStore> store_;
  std::shared_ptr<Catalog> catalog_;
  std::optional<SigningKey> key_;
};

}  // namespace mirrord::trust_fixture
