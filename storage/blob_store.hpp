// BlobStore: immutable bytes named by their sha256.
//
// Layout of the local store (root = [storage] root):
//   blobs/sha256/ab/cd/<64 hex>   a verified, durable blob (never modified, only removed by GC)
//   tmp/<key>.part                an ingest in progress (key from the expected digest)
// An ingest writes the .part while hashing, compares size and digests with what trusted metadata
// promised, fsyncs, renames into blobs/, and fsyncs the directory. Only then may the Catalog refer
// to the blob (ARCHITECTURE.md invariant 1). A mismatch removes the .part: unverified bytes never
// appear under blobs/. An interrupted ingest keeps its .part; the next ingest of the same expected
// content re-hashes the kept bytes and continues from offset().
//
// Thread-safety: BlobStore methods may be called from any thread. A BlobIngest is used by one
// thread at a time; two concurrent ingests of the same expected content are refused (kConflict).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>

#include "storage/digest.hpp"
#include "storage/file_system.hpp"
#include "storage/result.hpp"
#include "storage/unique_fd.hpp"

namespace mirrord {

// What trusted metadata promises about a file. At least one digest must be set.
struct ExpectedContent {
  std::uint64_t size = 0;
  std::optional<Sha256> sha256;   // known for LFS files, wheels, debs
  std::optional<GitOid> git_oid;  // known for regular Hugging Face / git files
  // LFS content (model shards) is only ever looked up by sha256: skipping its git blob id saves a
  // SHA-1 pass over every byte of multi-GiB files. Ignored when git_oid is set (it is verified).
  bool compute_git_oid = true;
};

// A verified, durable blob.
struct BlobInfo {
  Sha256 sha256;
  // git blob id of the content; nullopt when its ingest skipped it (compute_git_oid = false)
  std::optional<GitOid> git_oid;
  std::uint64_t size = 0;
};

struct OpenBlob {
  UniqueFd fd;
  std::uint64_t size = 0;
};

class BlobIngest {
 public:
  virtual ~BlobIngest() = default;  // destruction without commit keeps the .part for resume
  // Bytes already in the .part (after re-hashing them): resume the download from here.
  virtual std::uint64_t offset() const = 0;
  // Appends bytes. Fails with kSizeMismatch as soon as the total would exceed the expected size
  // (a hard cap against endless upstream bodies); the .part is then discarded.
  virtual Status write(std::span<const std::byte> data) = 0;
  // Verifies size and digests, fsyncs, renames into place, fsyncs the directory. On mismatch the
  // .part is removed and kDigestMismatch / kSizeMismatch is returned.
  virtual Result<BlobInfo> commit() = 0;
  // Removes the .part (used when the bytes written so far are known to be wrong).
  virtual void discard() = 0;
};

class BlobStore {
 public:
  virtual ~BlobStore() = default;
  virtual bool contains(const Sha256& digest) const = 0;
  virtual Result<OpenBlob> open(const Sha256& digest) const = 0;
  virtual Result<std::unique_ptr<BlobIngest>> begin_ingest(const ExpectedContent& expected) = 0;
  virtual Status remove(const Sha256& digest) = 0;
  virtual Status for_each(
      const std::function<void(const Sha256&, std::uint64_t size)>& fn) const = 0;
  // Start-up: removes .part files not modified for `max_age` (younger ones are kept for resume).
  virtual Status clean_stale_parts(std::chrono::seconds max_age) = 0;
};

// The local file-system store rooted at `root` (created when missing).
Result<std::shared_ptr<BlobStore>> make_local_blob_store(const std::filesystem::path& root,
                                                         std::shared_ptr<FileSystem> fs);

}  // namespace mirrord
