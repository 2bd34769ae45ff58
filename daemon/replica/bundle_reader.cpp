#include "daemon/replica/bundle_reader.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "storage/unique_fd.hpp"

namespace mirrord::replica {
namespace {

constexpr std::size_t kChunk = 1 << 20;

Error io_error(const std::string& what) {
  return make_error(ErrorCode::kIo, what + ": " + std::strerror(errno));
}

class DirectoryBundle final : public BundleReader {
 public:
  explicit DirectoryBundle(std::filesystem::path root) : root_(std::move(root)) {}

  Status stream_member(const std::string& name, std::uint64_t offset,
                       const BlobSink& sink) override {
    MIRRORD_TRY_ASSIGN(UniqueFd fd, open_member(name));
    return stream_fd(fd.get(), offset, sink);
  }

 private:
  Result<UniqueFd> open_member(const std::string& name) const {
    const std::filesystem::path path = root_ / name;
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd.valid()) {
      if (errno == ENOENT) {
        return make_error(ErrorCode::kNotFound, "the bundle has no " + name);
      }
      return io_error("cannot open " + path.string());
    }
    return fd;
  }

  std::filesystem::path root_;
};

struct ArchiveCloser {
  void operator()(archive* handle) const { archive_read_free(handle); }
};
using ArchiveHandle = std::unique_ptr<archive, ArchiveCloser>;

class TarBundle final : public BundleReader {
 public:
  explicit TarBundle(std::filesystem::path path) : path_(std::move(path)) {}

  Status stream_member(const std::string& name, std::uint64_t offset,
                       const BlobSink& sink) override {
    MIRRORD_TRY_ASSIGN(const bool found, seek(name));
    if (!found) {
      MIRRORD_TRY(reopen());  // the member may lie behind the current position
      MIRRORD_TRY_ASSIGN(const bool found_again, seek(name));
      if (!found_again) {
        return make_error(ErrorCode::kNotFound, "the bundle has no " + name);
      }
    }
    return copy_data(name, offset, sink);
  }

 private:
  Status reopen() {
    archive_ = ArchiveHandle(archive_read_new());
    if (!archive_) {
      return make_error(ErrorCode::kInternal, "archive_read_new failed");
    }
    archive_read_support_format_tar(archive_.get());
    if (archive_read_open_filename(archive_.get(), path_.c_str(), kChunk) != ARCHIVE_OK) {
      return failure("cannot open");
    }
    return {};
  }

  // Moves to the header of `name`; false at the end of the archive.
  Result<bool> seek(const std::string& name) {
    if (!archive_) {
      MIRRORD_TRY(reopen());
    }
    for (;;) {
      archive_entry* entry = nullptr;
      const int read = archive_read_next_header(archive_.get(), &entry);
      if (read == ARCHIVE_EOF) {
        return false;
      }
      if (read != ARCHIVE_OK) {
        return failure("corrupt or truncated");
      }
      if (name == archive_entry_pathname(entry)) {
        return true;
      }
    }
  }

  Status copy_data(const std::string& name, std::uint64_t offset, const BlobSink& sink) {
    std::vector<char> buffer(kChunk);
    for (;;) {
      const la_ssize_t got = archive_read_data(archive_.get(), buffer.data(), buffer.size());
      if (got < 0) {
        return failure("corrupt or truncated in " + name);
      }
      if (got == 0) {
        return {};
      }
      std::uint64_t skip = std::min<std::uint64_t>(offset, static_cast<std::uint64_t>(got));
      offset -= skip;
      if (static_cast<std::uint64_t>(got) > skip) {
        MIRRORD_TRY(sink(std::as_bytes(std::span(buffer.data() + skip, got - skip))));
      }
    }
  }

  Error failure(const std::string& what) {
    const char* message = archive_ != nullptr ? archive_error_string(archive_.get()) : nullptr;
    // Copied before the archive (which owns the message) is freed.
    std::string reason = message != nullptr ? message : "unexpected end of archive";
    archive_.reset();
    return make_error(ErrorCode::kInvalidInput, path_.string() + ": " + what + ": " + reason);
  }

  std::filesystem::path path_;
  ArchiveHandle archive_;
};

}  // namespace

Result<std::string> BundleReader::read_member(const std::string& name, std::uint64_t limit) {
  std::string bytes;
  MIRRORD_TRY(stream_member(name, 0, [&](std::span<const std::byte> chunk) -> Status {
    if (bytes.size() + chunk.size() > limit) {
      return make_error(ErrorCode::kInvalidInput,
                        name + " is over " + std::to_string(limit) + " bytes");
    }
    bytes.append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
    return {};
  }));
  return bytes;
}

bool is_tar_path(const std::filesystem::path& path) {
  return path.extension() == ".tar";
}

Result<std::unique_ptr<BundleReader>> open_bundle(const std::filesystem::path& path) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (!std::filesystem::exists(status)) {
    return make_error(ErrorCode::kNotFound, "no bundle at " + path.string());
  }
  if (is_tar_path(path)) {
    if (!std::filesystem::is_regular_file(status)) {
      return make_error(ErrorCode::kInvalidInput, path.string() + " is not a file");
    }
    return std::unique_ptr<BundleReader>(std::make_unique<TarBundle>(path));
  }
  if (!std::filesystem::is_directory(status)) {
    return make_error(ErrorCode::kInvalidInput,
                      path.string() + " is neither a directory nor a .tar file");
  }
  return std::unique_ptr<BundleReader>(std::make_unique<DirectoryBundle>(path));
}

Status stream_fd(int fd, std::uint64_t offset, const BlobSink& sink) {
  std::vector<char> buffer(kChunk);
  auto position = static_cast<off_t>(offset);
  for (;;) {
    const ssize_t got = ::pread(fd, buffer.data(), buffer.size(), position);
    if (got < 0) {
      if (errno == EINTR)
        continue;
      return io_error("read failed");
    }
    if (got == 0) {
      return {};
    }
    position += got;
    MIRRORD_TRY(sink(std::as_bytes(std::span(buffer.data(), static_cast<std::size_t>(got)))));
  }
}

}  // namespace mirrord::replica
