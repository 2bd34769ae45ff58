// A small ZIP writer for the ZIP reader's tests: stored members, and "deflate" members made of
// one stored deflate block (valid deflate without a compressor), each piece overridable so a test
// can make local and central records disagree.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tests/unit/policies/inspect_fixtures.hpp"

namespace mirrord::zip_builder {

inline std::uint32_t crc32_of(const std::string& data) {
  std::uint32_t crc = 0xffffffffu;
  for (unsigned char byte : data) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit)
      crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

inline std::string le16(std::uint16_t value) {
  return std::string{static_cast<char>(value & 0xff), static_cast<char>(value >> 8)};
}

struct Member {
  Member(std::string member_name, std::string member_data, std::uint16_t member_method = 0,
         std::uint16_t member_flags = 0)
      : name(std::move(member_name)),
        data(std::move(member_data)),
        method(member_method),
        flags(member_flags) {}

  std::string name;
  std::string data;
  std::uint16_t method = 0;  // 0 stored, 8 deflate (one stored block)
  std::uint16_t flags = 0;   // 0x0008: zeros in the local header and a data descriptor
  std::optional<std::string> local_name;
  std::optional<std::uint32_t> central_crc;
  std::optional<std::uint32_t> central_offset;
};

inline std::string deflate_stored_block(const std::string& data) {
  const auto length = static_cast<std::uint16_t>(data.size());
  return "\x01" + le16(length) + le16(static_cast<std::uint16_t>(~length)) + data;
}

struct Built {
  std::string bytes;
  std::size_t directory_offset = 0;
};

inline Built build(const std::vector<Member>& members, const std::string& comment = "") {
  using inspect_fixtures::le32;
  std::string out;
  std::string central;
  for (const Member& member : members) {
    const std::string payload =
        member.method == 8 ? deflate_stored_block(member.data) : member.data;
    const std::uint32_t crc = crc32_of(member.data);
    const bool descriptor = (member.flags & 0x0008) != 0;
    const auto offset = static_cast<std::uint32_t>(out.size());
    const std::string local_name = member.local_name.value_or(member.name);
    out += "PK\x03\x04" + le16(20) + le16(member.flags) + le16(member.method) + le32(0);
    out += descriptor ? le32(0) + le32(0) + le32(0)
                      : le32(crc) + le32(payload.size()) + le32(member.data.size());
    out += le16(local_name.size()) + le16(0) + local_name + payload;
    if (descriptor) {
      out += "PK\x07\x08" + le32(crc) + le32(payload.size()) + le32(member.data.size());
    }
    central += "PK\x01\x02" + le16(20) + le16(20) + le16(member.flags) + le16(member.method) +
               le32(0) + le32(member.central_crc.value_or(crc)) + le32(payload.size()) +
               le32(member.data.size()) + le16(member.name.size()) + le16(0) + le16(0) + le16(0) +
               le16(0) + le32(0) + le32(member.central_offset.value_or(offset)) + member.name;
  }
  Built built;
  built.directory_offset = out.size();
  out += central;
  out += "PK\x05\x06" + le16(0) + le16(0) + le16(members.size()) + le16(members.size()) +
         le32(central.size()) + le32(built.directory_offset) + le16(comment.size()) + comment;
  built.bytes = std::move(out);
  return built;
}

// The same archive with ZIP64 end records before a saturated classic one.
inline std::string with_zip64_end(const Built& built, std::size_t entries) {
  using inspect_fixtures::le32;
  using inspect_fixtures::le64;
  std::string out = built.bytes.substr(0, built.bytes.size() - 22);
  const std::size_t directory_size = out.size() - built.directory_offset;
  const std::size_t record_at = out.size();
  out += "PK\x06\x06" + le64(44) + le16(45) + le16(45) + le32(0) + le32(0) + le64(entries) +
         le64(entries) + le64(directory_size) + le64(built.directory_offset);
  out += "PK\x06\x07" + le32(0) + le64(record_at) + le32(1);
  out += "PK\x05\x06" + le16(0) + le16(0) + le16(0xffff) + le16(0xffff) + le32(0xffffffff) +
         le32(0xffffffff) + le16(0);
  return out;
}

}  // namespace mirrord::zip_builder
