// FaultyFileSystem: forwards to a real FileSystem, fails the operations a test asks it to fail,
// and records what it was asked to do, so tests can check the order of durability steps.
#pragma once

#include <cerrno>
#include <mutex>
#include <string>
#include <vector>

#include "storage/file_system.hpp"

namespace mirrord::testing {

struct Faults {
  int append_errno = 0;  // every append fails with this errno (after writing half)
  int sync_errno = 0;    // WritableFile::sync fails
  int rename_errno = 0;
  int sync_directory_errno = 0;
};

class FaultyFileSystem final : public FileSystem {
 public:
  explicit FaultyFileSystem(std::shared_ptr<FileSystem> real) : real_(std::move(real)) {}

  Faults faults;

  std::vector<std::string> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  void record(std::string event) {
    std::lock_guard lock(mutex_);
    events_.push_back(std::move(event));
  }

  Result<std::unique_ptr<WritableFile>> open_for_append(const std::filesystem::path& p,
                                                        bool keep) override {
    record((keep ? "open-keep " : "open-truncate ") + p.filename().string());
    MIRRORD_TRY_ASSIGN(auto file, real_->open_for_append(p, keep));
    return std::unique_ptr<WritableFile>(std::make_unique<File>(this, std::move(file)));
  }
  Status read_chunks(const std::filesystem::path& p,
                     const std::function<void(std::span<const std::byte>)>& chunk) override {
    return real_->read_chunks(p, chunk);
  }
  Status rename(const std::filesystem::path& from, const std::filesystem::path& to) override {
    record("rename " + to.filename().string());
    if (faults.rename_errno != 0)
      return errno_error(faults.rename_errno, "rename (injected)");
    return real_->rename(from, to);
  }
  Status sync_directory(const std::filesystem::path& dir) override {
    record("sync-dir " + dir.string());
    if (faults.sync_directory_errno != 0) {
      return errno_error(faults.sync_directory_errno, "fsync directory (injected)");
    }
    return real_->sync_directory(dir);
  }
  Status create_directories(const std::filesystem::path& dir) override {
    return real_->create_directories(dir);
  }
  Status remove(const std::filesystem::path& p) override {
    record("remove " + p.filename().string());
    return real_->remove(p);
  }
  Result<std::uint64_t> file_size(const std::filesystem::path& p) override {
    return real_->file_size(p);
  }
  Result<std::uint64_t> free_space(const std::filesystem::path& p) override {
    return real_->free_space(p);
  }

 private:
  class File final : public WritableFile {
   public:
    File(FaultyFileSystem* fs, std::unique_ptr<WritableFile> real)
        : fs_(fs), real_(std::move(real)) {}
    // A failing append first writes half its bytes, as a disk filling up mid-write would.
    Status append(std::span<const std::byte> data) override {
      if (fs_->faults.append_errno != 0) {
        (void)real_->append(data.first(data.size() / 2));
        return errno_error(fs_->faults.append_errno, "write (injected)");
      }
      return real_->append(data);
    }
    Status sync() override {
      fs_->record("sync");
      if (fs_->faults.sync_errno != 0)
        return errno_error(fs_->faults.sync_errno, "fdatasync (injected)");
      return real_->sync();
    }
    Status close() override {
      fs_->record("close");
      return real_->close();
    }

   private:
    FaultyFileSystem* fs_;
    std::unique_ptr<WritableFile> real_;
  };

  std::shared_ptr<FileSystem> real_;
  mutable std::mutex mutex_;
  std::vector<std::string> events_;
};

}  // namespace mirrord::testing
