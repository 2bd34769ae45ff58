// Small file helpers of the apt side: whole-file reads and writes with a size cap, and a private
// work directory removed when its owner goes away.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "storage/result.hpp"

namespace mirrord::apt {

// Writes `data` to `path` (created or truncated, mode 0600).
Status write_file(const std::filesystem::path& path, std::string_view data);
// Reads a whole file; kSizeMismatch when it is longer than `max_bytes`.
Result<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes);

// A fresh directory (mode 0700) under `parent`, removed with everything in it at destruction.
class WorkDir {
 public:
  static Result<WorkDir> create(const std::filesystem::path& parent, const std::string& prefix);
  WorkDir(WorkDir&& other) noexcept;
  WorkDir& operator=(WorkDir&&) = delete;
  WorkDir(const WorkDir&) = delete;
  ~WorkDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  explicit WorkDir(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

}  // namespace mirrord::apt
