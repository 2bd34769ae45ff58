// ByteSource: random-access, read-only bytes of a file under inspection, and ByteReader, a
// bounded sequential reader over a range of it.
//
// Inspectors never trust a length they read: ByteReader refuses any read or skip past the end of
// its range before allocating, so a declared length of 2^63 costs nothing. Model files can be
// hundreds of GiB, so nothing here reads a whole file into memory; ByteReader keeps one window.
//
// Errors: kInvalidInput for "the bytes end too soon" (a verdict about the file), kIo for a failed
// read of the underlying file (an operational failure, not a verdict).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "storage/result.hpp"

namespace mirrord {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual std::uint64_t size() const = 0;
  // Fills `out` exactly from `offset`; fails when the range is not inside the source.
  virtual Status read_at(std::uint64_t offset, std::span<std::byte> out) const = 0;
};

// Bytes in memory (tests, fuzzers, small files). Does not own them.
class MemoryByteSource final : public ByteSource {
 public:
  explicit MemoryByteSource(std::span<const std::byte> data) : data_(data) {}
  explicit MemoryByteSource(std::string_view text)
      : data_(std::as_bytes(std::span(text.data(), text.size()))) {}
  std::uint64_t size() const override { return data_.size(); }
  Status read_at(std::uint64_t offset, std::span<std::byte> out) const override;

 private:
  std::span<const std::byte> data_;
};

// An open file descriptor (not owned), read with pread; `size` is fixed when constructed.
class FdByteSource final : public ByteSource {
 public:
  FdByteSource(int fd, std::uint64_t size) : fd_(fd), size_(size) {}
  std::uint64_t size() const override { return size_; }
  Status read_at(std::uint64_t offset, std::span<std::byte> out) const override;

 private:
  int fd_;
  std::uint64_t size_;
};

// "needs N bytes at offset X, only M remain": the error of every short read.
Error truncated_at(std::uint64_t offset, std::uint64_t wanted, std::uint64_t remaining);

class ByteReader {
 public:
  // Reads [begin, end) of `source`; `end` is clamped to the source's size.
  ByteReader(const ByteSource& source, std::uint64_t begin, std::uint64_t end);
  explicit ByteReader(const ByteSource& source) : ByteReader(source, 0, source.size()) {}

  std::uint64_t position() const { return position_; }
  std::uint64_t remaining() const { return end_ - position_; }
  bool at_end() const { return position_ == end_; }

  Result<std::uint8_t> u8() {
    std::uint8_t byte = 0;
    if (next_in_window(byte)) {
      return byte;
    }
    return little_endian<std::uint8_t>();
  }
  // The next byte when it is already in the window (the fast path of byte-at-a-time decoders).
  bool next_in_window(std::uint8_t& byte) {
    const std::uint64_t index = position_ - window_start_;
    if (position_ < window_start_ || index >= window_used_) {
      return false;
    }
    byte = std::to_integer<std::uint8_t>(window_[index]);
    ++position_;
    return true;
  }
  Result<std::uint16_t> u16le();
  Result<std::uint32_t> u32le();
  Result<std::uint64_t> u64le();
  // Exactly `count` bytes (checked against remaining() before allocating).
  Result<std::string> bytes(std::uint64_t count);
  Status skip(std::uint64_t count);
  // Up to and excluding the next '\n' (consumed); refuses a line longer than `max_length` or one
  // that runs into the end.
  Result<std::string> line(std::size_t max_length);

 private:
  Status fill(std::size_t wanted);  // makes `wanted` bytes available in the window
  template <class T>
  Result<T> little_endian();

  const ByteSource& source_;
  std::uint64_t position_;
  std::uint64_t end_;
  std::vector<std::byte> window_;
  std::uint64_t window_start_ = 0;  // file offset of window_[0]
  std::size_t window_used_ = 0;     // valid bytes in window_
};

}  // namespace mirrord
