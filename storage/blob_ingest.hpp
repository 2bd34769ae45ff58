// Private to storage/: the local store's on-disk layout and its ingest (see blob_store.hpp for
// the contract). Split from blob_store.cpp so each file is about one noun.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "storage/blob_store.hpp"

namespace mirrord {

// Where things live under the store root.
class BlobLayout {
 public:
  explicit BlobLayout(std::filesystem::path root) : root_(std::move(root)) {}
  std::filesystem::path blobs_dir() const { return root_ / "blobs" / "sha256"; }
  std::filesystem::path tmp_dir() const { return root_ / "tmp"; }
  // blobs/sha256/ab/cd/<hex>: two fan-out levels keep directories small at millions of blobs.
  std::filesystem::path blob_path(const Sha256& digest) const;
  std::filesystem::path part_path(const std::string& key) const;

 private:
  std::filesystem::path root_;
};

// "sha256-<hex>" when the sha256 is known, else "git-<oid>"; empty when neither is set.
std::string ingest_key(const ExpectedContent& expected);

// Keys of the ingests running in this process. Shared by the store and its ingests, so an ingest
// that outlives its store still releases its key safely.
class IngestKeys {
 public:
  bool claim(const std::string& key);
  void release(const std::string& key);
  bool held(const std::string& key) const;

 private:
  mutable std::mutex mutex_;
  std::set<std::string> keys_;
};

// Holds one claimed key and releases it once: on release() or at destruction.
class KeyClaim {
 public:
  KeyClaim(std::shared_ptr<IngestKeys> keys, std::string key)
      : keys_(std::move(keys)), key_(std::move(key)) {}
  ~KeyClaim() { release(); }
  KeyClaim(const KeyClaim&) = delete;
  KeyClaim& operator=(const KeyClaim&) = delete;
  const std::string& key() const { return key_; }
  void release();

 private:
  std::shared_ptr<IngestKeys> keys_;
  std::string key_;
};

// Claims the key of `expected` (kConflict when another ingest holds it), then opens its .part:
// a kept .part no longer than the expected size is re-hashed and continued, anything else is
// started from zero.
Result<std::unique_ptr<BlobIngest>> start_local_ingest(std::shared_ptr<FileSystem> fs,
                                                       const BlobLayout& layout,
                                                       std::shared_ptr<IngestKeys> keys,
                                                       const ExpectedContent& expected);

}  // namespace mirrord
