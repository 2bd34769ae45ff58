// The POSIX FileSystem: the only place where the store touches file descriptors for writing.
#include "storage/file_system.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <vector>

#include "storage/unique_fd.hpp"

namespace mirrord {
namespace {

constexpr std::size_t kReadChunkSize = 1 << 20;
// Dirty bytes after which writeback of what was appended is started (without waiting for it), so
// the fdatasync before publishing finds most of a large file already on its way to the disk.
constexpr std::uint64_t kWritebackStep = 32ull << 20;

Error path_error(int err, const char* op, const std::filesystem::path& p) {
  return errno_error(err, std::string(op) + " " + p.string());
}

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(UniqueFd fd, std::filesystem::path path)
      : fd_(std::move(fd)), path_(std::move(path)) {
    const off_t end = ::lseek(fd_.get(), 0, SEEK_END);  // a resumed .part appends at its end
    appended_ = written_back_ = end > 0 ? static_cast<std::uint64_t>(end) : 0;
  }

  Status append(std::span<const std::byte> data) override {
    // write() may be interrupted or write fewer bytes than asked (signals, quotas, pipes): loop
    // until everything is written or a real error comes back.
    while (!data.empty()) {
      const ssize_t n = ::write(fd_.get(), data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR)
          continue;
        return path_error(errno, "write", path_);
      }
      data = data.subspan(static_cast<std::size_t>(n));
      appended_ += static_cast<std::uint64_t>(n);
    }
    start_writeback();
    return {};
  }

  Status sync() override {
    if (::fdatasync(fd_.get()) != 0) {
      return path_error(errno, "fdatasync", path_);
    }
    return {};
  }

  Status close() override {
    if (!fd_.valid()) {
      return {};
    }
    // close() may report a deferred write error (NFS, quotas); the fd is gone either way, so
    // never retry it.
    if (::close(fd_.release()) != 0 && errno != EINTR) {
      return path_error(errno, "close", path_);
    }
    return {};
  }

 private:
  // Best effort: a failure here only means the final fdatasync does all the work.
  void start_writeback() {
    if (appended_ - written_back_ < kWritebackStep) {
      return;
    }
    (void)::sync_file_range(fd_.get(), static_cast<off64_t>(written_back_),
                            static_cast<off64_t>(appended_ - written_back_), SYNC_FILE_RANGE_WRITE);
    written_back_ = appended_;
  }

  UniqueFd fd_;
  std::filesystem::path path_;
  // File offsets: the end of what was appended, and how far writeback has been started.
  std::uint64_t appended_ = 0;
  std::uint64_t written_back_ = 0;
};

class PosixFileSystem final : public FileSystem {
 public:
  Result<std::unique_ptr<WritableFile>> open_for_append(const std::filesystem::path& p,
                                                        bool keep) override {
    const int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (keep ? 0 : O_TRUNC);
    UniqueFd fd(::open(p.c_str(), flags, 0644));
    if (!fd.valid()) {
      return path_error(errno, "open", p);
    }
    return std::unique_ptr<WritableFile>(std::make_unique<PosixWritableFile>(std::move(fd), p));
  }

  Status read_chunks(const std::filesystem::path& p,
                     const std::function<void(std::span<const std::byte>)>& chunk) override {
    UniqueFd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) {
      return path_error(errno, "open", p);
    }
    std::vector<std::byte> buffer(kReadChunkSize);
    for (;;) {
      const ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
      if (n < 0) {
        if (errno == EINTR)
          continue;
        return path_error(errno, "read", p);
      }
      if (n == 0) {
        return {};
      }
      chunk(std::span(buffer.data(), static_cast<std::size_t>(n)));
    }
  }

  Status rename(const std::filesystem::path& from, const std::filesystem::path& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      return errno_error(errno, "rename " + from.string() + " -> " + to.string());
    }
    return {};
  }

  Status sync_directory(const std::filesystem::path& dir) override {
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd.valid()) {
      return path_error(errno, "open directory", dir);
    }
    if (::fsync(fd.get()) != 0) {
      return path_error(errno, "fsync directory", dir);
    }
    return {};
  }

  Status create_directories(const std::filesystem::path& dir) override {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      return path_error(ec.value(), "create directories", dir);
    }
    return {};
  }

  Status remove(const std::filesystem::path& p) override {
    if (::unlink(p.c_str()) != 0) {
      return path_error(errno, "remove", p);
    }
    return {};
  }

  Result<std::uint64_t> file_size(const std::filesystem::path& p) override {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) {
      return path_error(errno, "stat", p);
    }
    return static_cast<std::uint64_t>(st.st_size);
  }

  Result<std::uint64_t> free_space(const std::filesystem::path& p) override {
    struct statvfs st {};
    if (::statvfs(p.c_str(), &st) != 0) {
      return path_error(errno, "statvfs", p);
    }
    // f_bavail, not f_bfree: blocks reserved for root are not ours to fill.
    return static_cast<std::uint64_t>(st.f_bavail) * static_cast<std::uint64_t>(st.f_frsize);
  }
};

}  // namespace

std::shared_ptr<FileSystem> make_posix_file_system() {
  return std::make_shared<PosixFileSystem>();
}

Error errno_error(int err, const std::string& what) {
  // generic_category().message() is strerror without its thread-safety caveats.
  std::string message = what + ": " + std::generic_category().message(err);
  switch (err) {
    case ENOSPC:
    case EDQUOT:
      return make_error(ErrorCode::kNoSpace, std::move(message));
    case ENOENT:
      return make_error(ErrorCode::kNotFound, std::move(message));
    default:
      return make_error(ErrorCode::kIo, std::move(message));
  }
}

}  // namespace mirrord
