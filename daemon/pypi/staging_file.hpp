// StagingFile: where a download lands before the mirror knows what the bytes are.
//
// PEP 503 pages often give no size and sometimes no hash, while the BlobStore ingests only
// content whose size and digest are promised up front. So a file is first written here (under
// <storage root>/pypi/staging/, never served), hashed as it arrives, then compared with the
// index's claim and ingested from this copy (the store hashes it again while writing), or moved
// to quarantine when it does not match.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>

#include "storage/digest.hpp"
#include "storage/result.hpp"
#include "storage/unique_fd.hpp"

namespace mirrord::pypi {

class StagingFile {
 public:
  // A new, empty, uniquely named file in `dir` (created when missing).
  static Result<std::unique_ptr<StagingFile>> create(const std::filesystem::path& dir);
  ~StagingFile();  // removes the file unless it was moved away
  StagingFile(const StagingFile&) = delete;
  StagingFile& operator=(const StagingFile&) = delete;

  Status reset();  // back to empty (before a retry)
  Status write(std::span<const std::byte> data);
  // The digest of everything written since the last reset; writing afterwards is a bug.
  Sha256 digest();
  std::uint64_t size() const { return size_; }
  int fd() const { return fd_.get(); }
  // Moves the bytes to `destination` (quarantine); the file is then no longer removed.
  Status move_to(const std::filesystem::path& destination);

 private:
  StagingFile(std::filesystem::path path, UniqueFd fd);

  std::filesystem::path path_;
  UniqueFd fd_;
  std::unique_ptr<Sha256Hasher> hasher_;
  std::uint64_t size_ = 0;
  bool moved_ = false;
};

}  // namespace mirrord::pypi
