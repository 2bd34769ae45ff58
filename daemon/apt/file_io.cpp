#include "daemon/apt/file_io.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "storage/unique_fd.hpp"

namespace mirrord::apt {
namespace {

Error io_error(const std::string& what, const std::filesystem::path& path) {
  return make_error(ErrorCode::kIo, what + " " + path.string() + ": " + std::strerror(errno));
}

}  // namespace

Status write_file(const std::filesystem::path& path, std::string_view data) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd.valid()) {
    return io_error("cannot create", path);
  }
  while (!data.empty()) {
    const ssize_t written = ::write(fd.get(), data.data(), data.size());
    if (written < 0 && errno == EINTR) {
      continue;
    }
    if (written <= 0) {
      return io_error("cannot write", path);
    }
    data.remove_prefix(static_cast<std::size_t>(written));
  }
  return {};
}

Result<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    const ErrorCode code = errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo;
    return make_error(code, "cannot open " + path.string() + ": " + std::strerror(errno));
  }
  std::string data;
  char buffer[65536];
  for (;;) {
    const ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got < 0) {
      return io_error("cannot read", path);
    }
    if (got == 0) {
      return data;
    }
    if (data.size() + static_cast<std::size_t>(got) > max_bytes) {
      return make_error(ErrorCode::kSizeMismatch,
                        path.string() + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
    data.append(buffer, static_cast<std::size_t>(got));
  }
}

Result<WorkDir> WorkDir::create(const std::filesystem::path& parent, const std::string& prefix) {
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec) {
    return make_error(ErrorCode::kIo, "cannot create " + parent.string() + ": " + ec.message());
  }
  std::string pattern = (parent / (prefix + "XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) {  // mkdtemp creates it with mode 0700
    return io_error("cannot create a directory in", parent);
  }
  return WorkDir(std::filesystem::path(pattern));
}

WorkDir::WorkDir(WorkDir&& other) noexcept : path_(std::move(other.path_)) {
  other.path_.clear();
}

WorkDir::~WorkDir() {
  if (!path_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
}

}  // namespace mirrord::apt
