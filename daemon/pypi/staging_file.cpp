#include "daemon/pypi/staging_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

namespace mirrord::pypi {
namespace {

Error io_error(const std::string& what, const std::filesystem::path& path, int error) {
  return make_error(error == ENOSPC || error == EDQUOT ? ErrorCode::kNoSpace : ErrorCode::kIo,
                    what + " " + path.string() + ": " + std::strerror(error));
}

std::string random_name() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string name;
  for (int i = 0; i < 24; ++i) {
    name.push_back(kHex[rng() % 16]);
  }
  return name + ".part";
}

}  // namespace

StagingFile::StagingFile(std::filesystem::path path, UniqueFd fd)
    : path_(std::move(path)), fd_(std::move(fd)), hasher_(std::make_unique<Sha256Hasher>()) {}

StagingFile::~StagingFile() {
  if (!moved_) {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
}

Result<std::unique_ptr<StagingFile>> StagingFile::create(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return make_error(ErrorCode::kIo, "cannot create " + dir.string() + ": " + ec.message());
  }
  for (int attempt = 0; attempt < 8; ++attempt) {
    std::filesystem::path path = dir / random_name();
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (fd.valid()) {
      return std::unique_ptr<StagingFile>(new StagingFile(std::move(path), std::move(fd)));
    }
    if (errno != EEXIST) {
      return io_error("cannot create", path, errno);
    }
  }
  return make_error(ErrorCode::kIo, "cannot find a free staging file name in " + dir.string());
}

Status StagingFile::reset() {
  if (::ftruncate(fd_.get(), 0) != 0 || ::lseek(fd_.get(), 0, SEEK_SET) != 0) {
    return io_error("cannot truncate", path_, errno);
  }
  hasher_ = std::make_unique<Sha256Hasher>();
  size_ = 0;
  return {};
}

Status StagingFile::write(std::span<const std::byte> data) {
  hasher_->update(data);
  while (!data.empty()) {
    const ssize_t n = ::write(fd_.get(), data.data(), data.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return io_error("cannot write", path_, n < 0 ? errno : EIO);
    }
    data = data.subspan(static_cast<std::size_t>(n));
    size_ += static_cast<std::uint64_t>(n);
  }
  return {};
}

Sha256 StagingFile::digest() {
  Sha256 digest = hasher_->finish();
  hasher_.reset();
  return digest;
}

Status StagingFile::move_to(const std::filesystem::path& destination) {
  std::error_code ec;
  std::filesystem::create_directories(destination.parent_path(), ec);
  if (!ec) {
    std::filesystem::rename(path_, destination, ec);
  }
  if (ec) {
    return make_error(ErrorCode::kIo, "cannot move " + path_.string() + " to " +
                                          destination.string() + ": " + ec.message());
  }
  moved_ = true;
  return {};
}

}  // namespace mirrord::pypi
