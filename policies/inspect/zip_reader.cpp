#include "policies/inspect/zip_reader.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

namespace mirrord {
namespace {

constexpr std::uint32_t kCentralSig = 0x02014b50;
constexpr std::uint32_t kEndSig = 0x06054b50;
constexpr std::uint32_t kZip64EndSig = 0x06064b50;
constexpr std::uint32_t kZip64LocatorSig = 0x07064b50;
constexpr std::uint16_t kZip64ExtraId = 0x0001;
constexpr std::uint16_t kAllowedFlags = 0x0008 | 0x0800;
constexpr std::uint32_t kSaturated32 = 0xffffffff;
constexpr std::size_t kEndRecordSize = 22;
constexpr std::uint64_t kMaxDirectoryBytes = 512ull << 20;
constexpr std::uint64_t kMaxInflateRatio = 32;
constexpr std::uint64_t kInflateAllowance = 1ull << 20;

Error refuse(const std::string& why) {
  return make_error(ErrorCode::kInvalidInput, "zip: " + why);
}

std::string hex16(std::uint16_t value) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%04x", value);
  return text;
}

struct Directory {
  std::uint64_t entries = 0;
  std::uint64_t size = 0;
  std::uint64_t offset = 0;
  std::uint64_t end = 0;  // where the central directory must end (the next record)
};

// The end record that ends the file exactly: its comment length must reach the last byte, so a
// fake record inside a comment cannot be chosen.
Result<std::uint64_t> find_end_record(const ByteSource& source) {
  const std::uint64_t size = source.size();
  if (size < kEndRecordSize) {
    return refuse("too short to hold an end-of-central-directory record");
  }
  // The record and its comment fit in the last 22 + 65535 bytes: read them once, search backwards.
  const std::uint64_t tail_start =
      size > kEndRecordSize + 0xffff ? size - kEndRecordSize - 0xffff : 0;
  std::string tail(static_cast<std::size_t>(size - tail_start), '\0');
  MIRRORD_TRY(
      source.read_at(tail_start, std::as_writable_bytes(std::span(tail.data(), tail.size()))));
  const auto byte_at = [&](std::size_t i) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(tail[i]));
  };
  for (std::size_t at = tail.size() - kEndRecordSize;; --at) {
    const std::uint32_t sig =
        byte_at(at) | byte_at(at + 1) << 8 | byte_at(at + 2) << 16 | byte_at(at + 3) << 24;
    const std::uint32_t comment = byte_at(at + 20) | byte_at(at + 21) << 8;
    if (sig == kEndSig && at + kEndRecordSize + comment == tail.size()) {
      return tail_start + at;
    }
    if (at == 0) {
      return refuse("no end-of-central-directory record ends the file");
    }
  }
}

Status read_zip64_end(const ByteSource& source, std::uint64_t end_at, Directory& dir,
                      bool required) {
  if (end_at < 20) {
    return required ? refuse("ZIP64 values without a ZIP64 locator") : Status{};
  }
  ByteReader locator(source, end_at - 20, end_at);
  MIRRORD_TRY_ASSIGN(const std::uint32_t sig, locator.u32le());
  if (sig != kZip64LocatorSig) {
    return required ? refuse("ZIP64 values without a ZIP64 locator") : Status{};
  }
  MIRRORD_TRY_ASSIGN(const std::uint32_t disk, locator.u32le());
  MIRRORD_TRY_ASSIGN(const std::uint64_t record_at, locator.u64le());
  MIRRORD_TRY_ASSIGN(const std::uint32_t disks, locator.u32le());
  if (disk != 0 || disks != 1 || record_at > end_at - 20 || end_at - 20 - record_at < 56) {
    return refuse("inconsistent ZIP64 locator (multi-disk or out of place)");
  }
  ByteReader record(source, record_at, end_at - 20);
  MIRRORD_TRY_ASSIGN(const std::uint32_t record_sig, record.u32le());
  MIRRORD_TRY_ASSIGN(const std::uint64_t record_size, record.u64le());
  MIRRORD_TRY(record.skip(4));
  MIRRORD_TRY_ASSIGN(const std::uint32_t this_disk, record.u32le());
  MIRRORD_TRY_ASSIGN(const std::uint32_t dir_disk, record.u32le());
  MIRRORD_TRY_ASSIGN(const std::uint64_t on_disk, record.u64le());
  MIRRORD_TRY_ASSIGN(const std::uint64_t total, record.u64le());
  MIRRORD_TRY_ASSIGN(const std::uint64_t dir_size, record.u64le());
  MIRRORD_TRY_ASSIGN(const std::uint64_t dir_offset, record.u64le());
  if (record_sig != kZip64EndSig || this_disk != 0 || dir_disk != 0 || on_disk != total ||
      record_size + 12 != end_at - 20 - record_at) {
    return refuse("malformed ZIP64 end-of-central-directory record");
  }
  // A 32-bit field that is not saturated must agree with its 64-bit twin.
  if ((dir.entries != 0xffff && dir.entries != total) ||
      (dir.size != kSaturated32 && dir.size != dir_size) ||
      (dir.offset != kSaturated32 && dir.offset != dir_offset)) {
    return refuse("the ZIP64 and classic end records disagree");
  }
  dir = Directory{total, dir_size, dir_offset, record_at};
  return {};
}

Result<Directory> read_directory_location(const ByteSource& source) {
  MIRRORD_TRY_ASSIGN(const std::uint64_t end_at, find_end_record(source));
  ByteReader reader(source, end_at + 4, source.size());
  MIRRORD_TRY_ASSIGN(const std::uint16_t disk, reader.u16le());
  MIRRORD_TRY_ASSIGN(const std::uint16_t dir_disk, reader.u16le());
  MIRRORD_TRY_ASSIGN(const std::uint16_t on_disk, reader.u16le());
  MIRRORD_TRY_ASSIGN(const std::uint16_t total, reader.u16le());
  MIRRORD_TRY_ASSIGN(const std::uint32_t size, reader.u32le());
  MIRRORD_TRY_ASSIGN(const std::uint32_t offset, reader.u32le());
  Directory dir{total, size, offset, end_at};
  const bool saturated = total == 0xffff || size == kSaturated32 || offset == kSaturated32;
  if (!saturated && (disk != 0 || dir_disk != 0 || on_disk != total)) {
    return refuse("the archive spans several disks");
  }
  MIRRORD_TRY(read_zip64_end(source, end_at, dir, saturated));
  if (dir.offset > dir.end || dir.size != dir.end - dir.offset) {
    return refuse("the central directory does not end where the end record begins");
  }
  if (dir.size > kMaxDirectoryBytes || dir.entries > dir.size / 46) {
    return refuse("the central directory is too large for its entry count");
  }
  return dir;
}

}  // namespace

// The values of a ZIP64 extended-information field replace the saturated ones, in order.
Status apply_zip64_extra(std::string_view extra, bool central, ZipMember& member,
                         std::uint32_t csize32, std::uint32_t usize32, std::uint32_t offset32) {
  MemoryByteSource bytes(extra);
  ByteReader reader(bytes);
  while (!reader.at_end()) {
    MIRRORD_TRY_ASSIGN(const std::uint16_t id, reader.u16le());
    MIRRORD_TRY_ASSIGN(const std::uint16_t length, reader.u16le());
    if (length > reader.remaining()) {
      return refuse("member " + member.name + " has an extra field past its end");
    }
    if (id != kZip64ExtraId) {
      MIRRORD_TRY(reader.skip(length));
      continue;
    }
    ByteReader field(bytes, reader.position(), reader.position() + length);
    if (usize32 == kSaturated32) {
      MIRRORD_TRY_ASSIGN(member.uncompressed_size, field.u64le());
    }
    if (csize32 == kSaturated32) {
      MIRRORD_TRY_ASSIGN(member.compressed_size, field.u64le());
    }
    if (central && offset32 == kSaturated32) {
      MIRRORD_TRY_ASSIGN(member.local_header_offset, field.u64le());
    }
    MIRRORD_TRY(reader.skip(length));
  }
  return {};
}

namespace {

std::string name_problem(const std::string& name) {
  if (name.empty() || name.front() == '/' || name.find('\\') != std::string::npos ||
      name.find('\0') != std::string::npos) {
    return "an empty, absolute or backslashed name";
  }
  const std::string padded = "/" + name + "/";
  if (padded.find("/../") != std::string::npos || padded.find("/./") != std::string::npos) {
    return "a '.' or '..' segment";
  }
  return {};
}

Result<ZipMember> read_central_entry(ByteReader& reader) {
  MIRRORD_TRY_ASSIGN(const std::uint32_t sig, reader.u32le());
  if (sig != kCentralSig) {
    return refuse("central directory entry with a bad signature");
  }
  ZipMember member;
  MIRRORD_TRY(reader.skip(4));
  MIRRORD_TRY_ASSIGN(member.flags, reader.u16le());
  MIRRORD_TRY_ASSIGN(member.method, reader.u16le());
  MIRRORD_TRY(reader.skip(4));
  MIRRORD_TRY_ASSIGN(member.crc32, reader.u32le());
  MIRRORD_TRY_ASSIGN(const std::uint32_t csize, reader.u32le());
  MIRRORD_TRY_ASSIGN(const std::uint32_t usize, reader.u32le());
  MIRRORD_TRY_ASSIGN(const std::uint16_t name_length, reader.u16le());
  MIRRORD_TRY_ASSIGN(const std::uint16_t extra_length, reader.u16le());
  MIRRORD_TRY_ASSIGN(const std::uint16_t comment_length, reader.u16le());
  MIRRORD_TRY_ASSIGN(const std::uint16_t disk, reader.u16le());
  MIRRORD_TRY(reader.skip(6));
  MIRRORD_TRY_ASSIGN(const std::uint32_t offset, reader.u32le());
  MIRRORD_TRY_ASSIGN(member.name, reader.bytes(name_length));
  MIRRORD_TRY_ASSIGN(const std::string extra, reader.bytes(extra_length));
  MIRRORD_TRY(reader.skip(comment_length));
  member.compressed_size = csize;
  member.uncompressed_size = usize;
  member.local_header_offset = offset;
  MIRRORD_TRY(apply_zip64_extra(extra, true, member, csize, usize, offset));
  if (disk != 0 && disk != 0xffff) {
    return refuse("member " + member.name + " starts on another disk");
  }
  if (const std::string problem = name_problem(member.name); !problem.empty()) {
    return refuse("member name '" + member.name + "' is " + problem);
  }
  if ((member.flags & ~kAllowedFlags) != 0) {
    return refuse("member " + member.name + " has general-purpose flags " + hex16(member.flags) +
                  " (encrypted, patched or otherwise unscannable)");
  }
  if (member.method != 0 && member.method != 8) {
    return refuse("member " + member.name + " uses compression method " +
                  std::to_string(member.method) + " (only stored and deflate are read)");
  }
  // Every member is inflated to check its CRC: bound that work by the archive's own size.
  if (member.method == 8 &&
      member.uncompressed_size > kMaxInflateRatio * member.compressed_size + kInflateAllowance) {
    return refuse("member " + member.name + " would inflate more than " +
                  std::to_string(kMaxInflateRatio) + " times its compressed size (a zip bomb?)");
  }
  if (member.method == 0 && member.compressed_size != member.uncompressed_size) {
    return refuse("stored member " + member.name + " has different compressed and real sizes");
  }
  return member;
}

}  // namespace

bool starts_like_zip(std::string_view head) {
  return head.size() >= 4 && head.substr(0, 4) == std::string_view("PK\x03\x04", 4);
}

Result<ZipArchive> ZipArchive::open(const ByteSource& source) {
  MIRRORD_TRY_ASSIGN(const Directory dir, read_directory_location(source));
  ZipArchive archive(source);
  ByteReader reader(source, dir.offset, dir.end);
  std::set<std::string> names;
  for (std::uint64_t i = 0; i < dir.entries; ++i) {
    MIRRORD_TRY_ASSIGN(ZipMember member, read_central_entry(reader));
    if (!names.insert(member.name).second) {
      return refuse("member name '" + member.name + "' appears twice");
    }
    archive.members_.push_back(std::move(member));
  }
  if (!reader.at_end()) {
    return refuse("the central directory holds more than its recorded entry count");
  }
  MIRRORD_TRY(archive.check_local_headers(dir.offset));
  return archive;
}

}  // namespace mirrord
