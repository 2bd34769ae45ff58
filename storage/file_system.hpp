// FileSystem: the one seam between the store and the operating system.
//
// Everything the BlobStore does to disk goes through this interface, so a test can wrap the real
// implementation and inject ENOSPC, short writes or a failing fsync (see tests/unit).
// Implementations must be thread-safe; the returned files are used by one thread at a time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>

#include "storage/result.hpp"

namespace mirrord {

class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status append(std::span<const std::byte> data) = 0;
  virtual Status sync() = 0;  // fdatasync: data durable before any rename that publishes it
  virtual Status close() = 0;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // Opens for appending; creates the file when missing, keeps existing bytes when `keep` is true
  // (resume) and truncates them otherwise.
  virtual Result<std::unique_ptr<WritableFile>> open_for_append(const std::filesystem::path& p,
                                                                bool keep) = 0;
  // Reads a whole file range in chunks, calling `chunk` for each; used to re-hash a .part on
  // resume.
  virtual Status read_chunks(const std::filesystem::path& p,
                             const std::function<void(std::span<const std::byte>)>& chunk) = 0;
  virtual Status rename(const std::filesystem::path& from, const std::filesystem::path& to) = 0;
  virtual Status sync_directory(const std::filesystem::path& dir) = 0;
  virtual Status create_directories(const std::filesystem::path& dir) = 0;
  virtual Status remove(const std::filesystem::path& p) = 0;
  virtual Result<std::uint64_t> file_size(
      const std::filesystem::path& p) = 0;  // kNotFound if absent
  virtual Result<std::uint64_t> free_space(const std::filesystem::path& p) = 0;
};

// The real POSIX implementation.
std::shared_ptr<FileSystem> make_posix_file_system();

// Maps errno to an Error (ENOSPC/EDQUOT -> kNoSpace, ENOENT -> kNotFound, else kIo).
Error errno_error(int err, const std::string& what);

}  // namespace mirrord
