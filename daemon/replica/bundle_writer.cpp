#include "daemon/replica/bundle_writer.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "daemon/replica/bundle_reader.hpp"
#include "storage/unique_fd.hpp"

namespace mirrord::replica {
namespace {

Error io_error(const std::string& what) {
  return make_error(ErrorCode::kIo, what + ": " + std::strerror(errno));
}

Status write_all(int fd, std::span<const std::byte> bytes, const std::string& what) {
  while (!bytes.empty()) {
    const ssize_t wrote = ::write(fd, bytes.data(), bytes.size());
    if (wrote < 0) {
      if (errno == EINTR)
        continue;
      return errno == ENOSPC ? make_error(ErrorCode::kNoSpace, what + ": no space left")
                             : io_error("cannot write " + what);
    }
    bytes = bytes.subspan(static_cast<std::size_t>(wrote));
  }
  return {};
}

// Checks that `fd` held exactly `size` bytes: a blob that changed under us is not exported.
Status expect_size(const std::string& name, std::uint64_t streamed, std::uint64_t size) {
  if (streamed != size) {
    return make_error(ErrorCode::kSizeMismatch, name + ": read " + std::to_string(streamed) +
                                                    " bytes, expected " + std::to_string(size));
  }
  return {};
}

class DirectoryWriter final : public BundleWriter {
 public:
  explicit DirectoryWriter(std::filesystem::path root) : root_(std::move(root)) {}

  Status add_member(const std::string& name, std::string_view bytes) override {
    MIRRORD_TRY_ASSIGN(UniqueFd out, create(name));
    return write_all(out.get(), std::as_bytes(std::span(bytes.data(), bytes.size())), name);
  }

  Status add_file(const std::string& name, int fd, std::uint64_t size,
                  const std::function<void(std::uint64_t)>& on_bytes) override {
    MIRRORD_TRY_ASSIGN(UniqueFd out, create(name));
    std::uint64_t streamed = 0;
    MIRRORD_TRY(stream_fd(fd, 0, [&](std::span<const std::byte> chunk) -> Status {
      streamed += chunk.size();
      on_bytes(chunk.size());
      return write_all(out.get(), chunk, name);
    }));
    return expect_size(name, streamed, size);
  }

  Status add_index_member(const std::string& name, std::string_view bytes) override {
    held_back_[name] = std::string(bytes);
    return {};
  }

  Status finish() override {
    for (const auto& [name, bytes] : held_back_) {
      MIRRORD_TRY(add_member(name, bytes));
    }
    return {};
  }

 private:
  Result<UniqueFd> create(const std::string& name) const {
    const std::filesystem::path path = root_ / name;
    std::error_code error;
    std::filesystem::create_directories(path.parent_path(), error);
    if (error) {
      return make_error(ErrorCode::kIo,
                        "cannot create " + path.parent_path().string() + ": " + error.message());
    }
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd.valid()) {
      return io_error("cannot create " + path.string());
    }
    return fd;
  }

  std::filesystem::path root_;
  std::map<std::string, std::string> held_back_;
};

struct ArchiveWriteCloser {
  void operator()(archive* handle) const { archive_write_free(handle); }
};
struct EntryCloser {
  void operator()(archive_entry* entry) const { archive_entry_free(entry); }
};

class TarWriter final : public BundleWriter {
 public:
  TarWriter(std::filesystem::path path, archive* handle)
      : path_(std::move(path)), archive_(handle) {}

  Status add_member(const std::string& name, std::string_view bytes) override {
    MIRRORD_TRY(header(name, bytes.size()));
    return data(std::as_bytes(std::span(bytes.data(), bytes.size())));
  }

  Status add_file(const std::string& name, int fd, std::uint64_t size,
                  const std::function<void(std::uint64_t)>& on_bytes) override {
    MIRRORD_TRY(header(name, size));
    std::uint64_t streamed = 0;
    MIRRORD_TRY(stream_fd(fd, 0, [&](std::span<const std::byte> chunk) -> Status {
      streamed += chunk.size();
      if (streamed > size) {
        return expect_size(name, streamed, size);
      }
      on_bytes(chunk.size());
      return data(chunk);
    }));
    return expect_size(name, streamed, size);
  }

  Status add_index_member(const std::string& name, std::string_view bytes) override {
    return add_member(name, bytes);
  }

  Status finish() override {
    if (archive_write_close(archive_.get()) != ARCHIVE_OK) {
      return failure("cannot finish");
    }
    std::filesystem::path part = path_;
    part += ".part";
    std::error_code error;
    std::filesystem::rename(part, path_, error);
    if (error) {
      return make_error(ErrorCode::kIo, "cannot rename " + part.string() + ": " + error.message());
    }
    return {};
  }

 private:
  Status header(const std::string& name, std::uint64_t size) {
    std::unique_ptr<archive_entry, EntryCloser> entry(archive_entry_new());
    archive_entry_set_pathname(entry.get(), name.c_str());
    archive_entry_set_size(entry.get(), static_cast<la_int64_t>(size));
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), 0644);
    if (archive_write_header(archive_.get(), entry.get()) != ARCHIVE_OK) {
      return failure("cannot add " + name);
    }
    return {};
  }

  Status data(std::span<const std::byte> bytes) {
    if (archive_write_data(archive_.get(), bytes.data(), bytes.size()) !=
        static_cast<la_ssize_t>(bytes.size())) {
      return failure("cannot write");
    }
    return {};
  }

  Error failure(const std::string& what) {
    const char* message = archive_error_string(archive_.get());
    return make_error(ErrorCode::kIo, path_.string() + ": " + what + ": " +
                                          (message != nullptr ? message : "libarchive error"));
  }

  std::filesystem::path path_;
  std::unique_ptr<archive, ArchiveWriteCloser> archive_;
};

Result<std::unique_ptr<BundleWriter>> create_tar(const std::filesystem::path& path) {
  std::unique_ptr<archive, ArchiveWriteCloser> handle(archive_write_new());
  if (!handle) {
    return make_error(ErrorCode::kInternal, "archive_write_new failed");
  }
  archive_write_set_format_pax_restricted(handle.get());
  archive_write_set_bytes_in_last_block(handle.get(), 1);
  std::filesystem::path part = path;
  part += ".part";
  if (archive_write_open_filename(handle.get(), part.c_str()) != ARCHIVE_OK) {
    const char* message = archive_error_string(handle.get());
    return make_error(ErrorCode::kIo, "cannot create " + part.string() + ": " +
                                          (message != nullptr ? message : "libarchive error"));
  }
  return std::unique_ptr<BundleWriter>(std::make_unique<TarWriter>(path, handle.release()));
}

}  // namespace

Result<std::unique_ptr<BundleWriter>> create_bundle(const std::filesystem::path& path) {
  std::error_code error;
  if (is_tar_path(path)) {
    if (std::filesystem::exists(path, error)) {
      return make_error(ErrorCode::kConflict, path.string() + " exists already");
    }
    return create_tar(path);
  }
  if (std::filesystem::exists(path, error) && !std::filesystem::is_empty(path, error)) {
    return make_error(ErrorCode::kConflict, path.string() + " exists and is not empty");
  }
  std::filesystem::create_directories(path, error);
  if (error) {
    return make_error(ErrorCode::kIo, "cannot create " + path.string() + ": " + error.message());
  }
  return std::unique_ptr<BundleWriter>(std::make_unique<DirectoryWriter>(path));
}

}  // namespace mirrord::replica
