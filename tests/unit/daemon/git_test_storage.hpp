// A real Catalog and local BlobStore in a directory, and publishing Hugging Face-like snapshots
// into them the way a pull does (ingest with the expected digest, record, publish).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"
#include "storage/file_system.hpp"

namespace mirrord::git_test {

struct SnapshotSpec {
  std::string path;
  std::string content;
  bool lfs = false;
};

struct TestStorage {
  explicit TestStorage(const std::filesystem::path& dir) {
    catalog = std::move(Catalog::open(dir / "catalog.db")).value();
    store = std::move(make_local_blob_store(dir / "store", make_posix_file_system())).value();
  }

  SnapshotFile ingest(const SnapshotSpec& spec) {
    ExpectedContent expected;
    expected.size = spec.content.size();
    expected.sha256 = sha256_of(spec.content);
    auto ingest = store->begin_ingest(expected);
    EXPECT_TRUE(ingest.ok());
    EXPECT_TRUE(
        (*ingest)->write(std::as_bytes(std::span(spec.content.data(), spec.content.size()))).ok());
    auto blob = (*ingest)->commit();
    EXPECT_TRUE(blob.ok());
    EXPECT_TRUE(catalog->record_blob(*blob).ok());
    return SnapshotFile{spec.path, blob->sha256,
                        spec.lfs ? lfs_pointer_oid(blob->sha256, blob->size) : *blob->git_oid,
                        spec.lfs, blob->size};
  }

  void publish(const RepoKey& repo, const std::string& commit,
               const std::vector<SnapshotSpec>& specs, const std::vector<std::string>& refs) {
    NewSnapshot snapshot;
    snapshot.repo = repo;
    snapshot.commit = commit;
    snapshot.refs = refs;
    for (const SnapshotSpec& spec : specs) {
      snapshot.files.push_back(ingest(spec));
    }
    auto published = catalog->publish_snapshot(snapshot);
    EXPECT_TRUE(published.ok()) << published.error().message;
  }

  std::shared_ptr<Catalog> catalog;
  std::shared_ptr<BlobStore> store;
};

}  // namespace mirrord::git_test
