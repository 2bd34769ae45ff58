#include "policies/inspect/byte_source.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace mirrord {
namespace {

constexpr std::size_t kWindowBytes = 1 << 16;

}  // namespace

Error truncated_at(std::uint64_t offset, std::uint64_t wanted, std::uint64_t remaining) {
  return make_error(ErrorCode::kInvalidInput,
                    "truncated: needs " + std::to_string(wanted) + " bytes at offset " +
                        std::to_string(offset) + ", only " + std::to_string(remaining) + " remain");
}

Status MemoryByteSource::read_at(std::uint64_t offset, std::span<std::byte> out) const {
  if (offset > data_.size() || out.size() > data_.size() - offset) {
    return truncated_at(offset, out.size(), offset > data_.size() ? 0 : data_.size() - offset);
  }
  std::memcpy(out.data(), data_.data() + offset, out.size());
  return {};
}

Status FdByteSource::read_at(std::uint64_t offset, std::span<std::byte> out) const {
  if (offset > size_ || out.size() > size_ - offset) {
    return truncated_at(offset, out.size(), offset > size_ ? 0 : size_ - offset);
  }
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t got =
        ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got < 0) {
      return make_error(ErrorCode::kIo, std::string("read: ") + std::strerror(errno));
    }
    if (got == 0) {
      return make_error(ErrorCode::kIo, "read: the file is shorter than its recorded size");
    }
    done += static_cast<std::size_t>(got);
  }
  return {};
}

ByteReader::ByteReader(const ByteSource& source, std::uint64_t begin, std::uint64_t end)
    : source_(source),
      position_(std::min(begin, source.size())),
      end_(std::max(position_, std::min(end, source.size()))),
      window_start_(position_) {}

Status ByteReader::fill(std::size_t wanted) {
  if (wanted > remaining()) {
    return truncated_at(position_, wanted, remaining());
  }
  const std::uint64_t window_end = window_start_ + window_used_;
  if (position_ >= window_start_ && position_ + wanted <= window_end) {
    return {};
  }
  const std::size_t size = static_cast<std::size_t>(
      std::min<std::uint64_t>(std::max(wanted, kWindowBytes), remaining()));
  window_.resize(size);
  window_start_ = position_;
  window_used_ = 0;
  MIRRORD_TRY(source_.read_at(position_, std::span(window_.data(), size)));
  window_used_ = size;
  return {};
}

template <class T>
Result<T> ByteReader::little_endian() {
  MIRRORD_TRY(fill(sizeof(T)));
  const std::byte* at = window_.data() + (position_ - window_start_);
  T value = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    value |= static_cast<T>(static_cast<T>(std::to_integer<std::uint8_t>(at[i])) << (8 * i));
  }
  position_ += sizeof(T);
  return value;
}

template Result<std::uint8_t> ByteReader::little_endian<std::uint8_t>();

Result<std::uint16_t> ByteReader::u16le() {
  return little_endian<std::uint16_t>();
}
Result<std::uint32_t> ByteReader::u32le() {
  return little_endian<std::uint32_t>();
}
Result<std::uint64_t> ByteReader::u64le() {
  return little_endian<std::uint64_t>();
}

Result<std::string> ByteReader::bytes(std::uint64_t count) {
  if (count > remaining()) {
    return truncated_at(position_, count, remaining());
  }
  std::string out(static_cast<std::size_t>(count), '\0');
  const std::uint64_t window_end = window_start_ + window_used_;
  if (position_ >= window_start_ && position_ + count <= window_end) {
    std::memcpy(out.data(), window_.data() + (position_ - window_start_), out.size());
  } else {
    MIRRORD_TRY(
        source_.read_at(position_, std::as_writable_bytes(std::span(out.data(), out.size()))));
  }
  position_ += count;
  return out;
}

Status ByteReader::skip(std::uint64_t count) {
  if (count > remaining()) {
    return truncated_at(position_, count, remaining());
  }
  position_ += count;
  return {};
}

Result<std::string> ByteReader::line(std::size_t max_length) {
  std::string out;
  // Fast path: the whole line is in the window.
  if (position_ >= window_start_ && position_ < window_start_ + window_used_) {
    const std::size_t index = static_cast<std::size_t>(position_ - window_start_);
    const std::size_t span = std::min(window_used_ - index, max_length + 1);
    const void* newline = std::memchr(window_.data() + index, '\n', span);
    if (newline != nullptr) {
      const auto length = static_cast<std::size_t>(static_cast<const std::byte*>(newline) -
                                                   (window_.data() + index));
      out.assign(reinterpret_cast<const char*>(window_.data() + index), length);
      position_ += length + 1;
      return out;
    }
  }
  for (;;) {
    if (at_end()) {
      return make_error(ErrorCode::kInvalidInput, "truncated: a line that starts before offset " +
                                                      std::to_string(position_) + " has no end");
    }
    MIRRORD_TRY_ASSIGN(const std::uint8_t byte, u8());
    if (byte == '\n') {
      return out;
    }
    if (out.size() >= max_length) {
      return make_error(ErrorCode::kInvalidInput,
                        "a line longer than " + std::to_string(max_length) +
                            " bytes ends at offset " + std::to_string(position_));
    }
    out.push_back(static_cast<char>(byte));
  }
}

}  // namespace mirrord
