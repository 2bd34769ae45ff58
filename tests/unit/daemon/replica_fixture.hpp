// Two mirrors in temporary directories (a store and catalog each), the exporting one with a
// signing key, and a scripted BlobSource serving blobs from a map, for the replica tests.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "daemon/replica/apply_records.hpp"
#include "daemon/replica/snapshot_record.hpp"
#include "policies/inspect/signing_key.hpp"
#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"
#include "tests/unit/storage/temp_dir.hpp"

namespace mirrord::replica_fixture {

struct Mirror {
  testing::TempDir dir;
  std::shared_ptr<BlobStore> store;
  std::shared_ptr<Catalog> catalog;

  Mirror() {
    auto opened = make_local_blob_store(dir.path(), make_posix_file_system());
    EXPECT_TRUE(opened) << opened.error().message;
    store = *opened;
    auto db = Catalog::open(dir.path() / "catalog.db");
    EXPECT_TRUE(db) << db.error().message;
    catalog = std::move(*db);
  }

  // Ingests and records `content`; returns the file entry for `path`.
  SnapshotFile stored(const std::string& path, const std::string& content, bool lfs = false) {
    ExpectedContent expected;
    expected.size = content.size();
    expected.sha256 = sha256_of(content);
    auto ingest = store->begin_ingest(expected);
    EXPECT_TRUE(ingest) << ingest.error().message;
    EXPECT_TRUE((*ingest)->write(std::as_bytes(std::span(content.data(), content.size()))));
    auto blob = (*ingest)->commit();
    EXPECT_TRUE(blob) << blob.error().message;
    EXPECT_TRUE(catalog->record_blob(*blob));
    GitOid oid = *blob->git_oid;
    if (lfs) {
      oid = *GitOid::from_hex("1111111111111111111111111111111111111111");  // a pointer's id
    }
    return SnapshotFile{path, blob->sha256, oid, lfs, content.size()};
  }
};

// Serves the bytes of known blobs; counts what it was asked for; can corrupt or fail.
class ScriptedSource : public replica::BlobSource {
 public:
  void add(const std::string& content) { blobs_[sha256_of(content)] = content; }
  void replace(const Sha256& digest, std::string content) { blobs_[digest] = std::move(content); }

  Status fetch(const replica::RecordBlob& blob, std::uint64_t offset,
               const replica::BlobSink& sink) override {
    ++fetches;
    offsets.push_back(offset);
    const auto it = blobs_.find(blob.sha256);
    if (it == blobs_.end()) {
      return make_error(ErrorCode::kNotFound, "no such blob in the script");
    }
    std::string_view rest = std::string_view(it->second).substr(offset);
    if (fail_after && fail_after->first == blob.sha256) {
      rest = rest.substr(0, fail_after->second);
      MIRRORD_TRY(sink(std::as_bytes(std::span(rest.data(), rest.size()))));
      return make_error(ErrorCode::kIo, "source failed mid-blob");
    }
    return sink(std::as_bytes(std::span(rest.data(), rest.size())));
  }

  int fetches = 0;
  std::vector<std::uint64_t> offsets;
  // Serves this blob only up to this many bytes, then fails.
  std::optional<std::pair<Sha256, std::size_t>> fail_after;

 private:
  std::map<Sha256, std::string> blobs_;
};

}  // namespace mirrord::replica_fixture
