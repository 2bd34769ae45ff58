// Reading an export bundle: a directory, or a tar (when the path ends in .tar) read with
// libarchive. Members are read by name; blobs are streamed, never held whole.
//
// A tar is read front to back: asking for a member behind the current position reopens the
// archive, so reading in the bundle's own order (index, records, blobs as listed) reads the
// file once. A truncated or corrupt tar fails the read that reaches the damage.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "daemon/replica/blob_source.hpp"

namespace mirrord::replica {

class BundleReader {
 public:
  virtual ~BundleReader() = default;
  // The whole member, refused when longer than `limit` bytes; kNotFound when absent.
  Result<std::string> read_member(const std::string& name, std::uint64_t limit);
  // Streams a member from `offset` to its end into `sink`; kNotFound when absent.
  virtual Status stream_member(const std::string& name, std::uint64_t offset,
                               const BlobSink& sink) = 0;
};

// A tar when `path` ends in .tar, else a directory.
Result<std::unique_ptr<BundleReader>> open_bundle(const std::filesystem::path& path);
bool is_tar_path(const std::filesystem::path& path);

// Streams the bytes of `fd` from `offset` to end of file into `sink`, 1 MiB at a time.
Status stream_fd(int fd, std::uint64_t offset, const BlobSink& sink);

}  // namespace mirrord::replica
