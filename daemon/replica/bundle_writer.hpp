// Writing an export bundle: a tar (when the path ends in .tar) written with libarchive, or a
// directory. Members are added in bundle order (bundle_index.hpp); blobs are streamed from
// their file descriptors in 1 MiB chunks, never held whole.
//
// A tar is written to <path>.part and renamed when finished; a directory is written in place
// (it must be missing or empty) and gets its index last, so an interrupted export never looks
// like a bundle.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "storage/result.hpp"

namespace mirrord::replica {

class BundleWriter {
 public:
  virtual ~BundleWriter() = default;
  virtual Status add_member(const std::string& name, std::string_view bytes) = 0;
  // Streams `size` bytes of `fd` (from its start) as member `name`; `on_bytes` sees each chunk.
  virtual Status add_file(const std::string& name, int fd, std::uint64_t size,
                          const std::function<void(std::uint64_t)>& on_bytes) = 0;
  // Members held back until finish() (a directory's index); a tar writes them at once.
  virtual Status add_index_member(const std::string& name, std::string_view bytes) = 0;
  virtual Status finish() = 0;
};

Result<std::unique_ptr<BundleWriter>> create_bundle(const std::filesystem::path& path);

}  // namespace mirrord::replica
