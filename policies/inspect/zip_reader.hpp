// ZipArchive: a fail-closed ZIP reader for inspecting PyTorch archives (security.md §2.5).
//
// Scanners have been bypassed by ZIP files that two readers see differently (CVE-2025-1944,
// -1945, -10156), so open() refuses any ambiguity instead of picking a reading:
//  - the end-of-central-directory record must end the file exactly (comment included), on one
//    disk, with ZIP64 records consistent with it;
//  - every central entry must agree with its local header on name, method and flags, and on
//    CRC-32 and sizes (through the data descriptor when bit 3 is set);
//  - flags other than bit 3 (data descriptor) and bit 11 (UTF-8 names) are refused (encryption,
//    patched data, strong encryption, ...); methods other than stored (0) and deflate (8) too;
//  - names must be non-empty, unique, relative, without ".." segments, backslashes or NUL;
//  - member data must not overlap another member or the central directory.
// read_member() streams a member's uncompressed bytes and fails when its CRC-32 or size differs
// from the record, so a scan never proceeds on bytes the archive does not vouch for.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "policies/inspect/byte_source.hpp"
#include "storage/result.hpp"

namespace mirrord {

struct ZipMember {
  std::string name;
  std::uint16_t method = 0;  // 0 stored, 8 deflate
  std::uint16_t flags = 0;
  std::uint32_t crc32 = 0;
  std::uint64_t compressed_size = 0;
  std::uint64_t uncompressed_size = 0;
  std::uint64_t local_header_offset = 0;
  std::uint64_t data_offset = 0;  // first byte of the (compressed) data
};

using ZipSink = std::function<Status(std::span<const std::byte>)>;

class ZipArchive {
 public:
  // Reads and cross-checks the directory and every local header (not the member data).
  static Result<ZipArchive> open(const ByteSource& source);

  const std::vector<ZipMember>& members() const { return members_; }

  // Streams the member's uncompressed bytes into `sink` (in chunks), then checks size and CRC-32.
  Status read_member(const ZipMember& member, const ZipSink& sink) const;
  // The first `count` uncompressed bytes (fewer when the member is shorter); no CRC check.
  Result<std::string> read_head(const ZipMember& member, std::size_t count) const;

 private:
  explicit ZipArchive(const ByteSource& source) : source_(&source) {}
  // Cross-checks each member's local header (and data descriptor) with its central entry and
  // checks that no member's bytes overlap another's or the central directory at `directory_at`.
  Status check_local_headers(std::uint64_t directory_at);
  Status check_local_header(ZipMember& member, std::uint64_t& span_end) const;
  const ByteSource* source_;
  std::vector<ZipMember> members_;
};

// Private to the ZIP reader: replaces the saturated (0xffffffff) sizes and offset of `member` with
// the values of the ZIP64 extended-information field in `extra` (central: offset too).
Status apply_zip64_extra(std::string_view extra, bool central, ZipMember& member,
                         std::uint32_t csize32, std::uint32_t usize32, std::uint32_t offset32);

// Whether the bytes start with a local file header signature.
bool starts_like_zip(std::string_view head);

}  // namespace mirrord
