// ZipArchive: local headers, data descriptors, and reading members (stored and deflate).
#include <zlib.h>

#include <algorithm>
#include <memory>

#include "policies/inspect/zip_reader.hpp"

namespace mirrord {
namespace {

constexpr std::uint32_t kLocalSig = 0x04034b50;
constexpr std::uint32_t kDescriptorSig = 0x08074b50;
constexpr std::uint32_t kSaturated32 = 0xffffffff;
constexpr std::uint16_t kDescriptorFlag = 0x0008;
constexpr std::size_t kChunk = 1 << 20;

Error refuse(const std::string& why) {
  return make_error(ErrorCode::kInvalidInput, "zip: " + why);
}

struct Recorded {
  std::uint32_t crc32 = 0;
  std::uint64_t compressed = 0;
  std::uint64_t uncompressed = 0;
};

bool same(const Recorded& recorded, const ZipMember& member) {
  return recorded.crc32 == member.crc32 && recorded.compressed == member.compressed_size &&
         recorded.uncompressed == member.uncompressed_size;
}

// The data descriptor after a member's data: optional signature, CRC-32, then sizes of 4 bytes,
// or 8 when the sizes needed ZIP64. Returns where it ends.
Result<std::uint64_t> check_descriptor(const ByteSource& source, const ZipMember& member,
                                       std::uint64_t at) {
  ByteReader reader(source, at, source.size());
  MIRRORD_TRY_ASSIGN(std::uint32_t first, reader.u32le());
  if (first == kDescriptorSig) {
    MIRRORD_TRY_ASSIGN(first, reader.u32le());
  }
  Recorded recorded{first, 0, 0};
  const bool wide =
      member.compressed_size >= kSaturated32 || member.uncompressed_size >= kSaturated32;
  if (wide) {
    MIRRORD_TRY_ASSIGN(recorded.compressed, reader.u64le());
    MIRRORD_TRY_ASSIGN(recorded.uncompressed, reader.u64le());
  } else {
    MIRRORD_TRY_ASSIGN(const std::uint32_t compressed, reader.u32le());
    MIRRORD_TRY_ASSIGN(const std::uint32_t uncompressed, reader.u32le());
    recorded.compressed = compressed;
    recorded.uncompressed = uncompressed;
  }
  if (!same(recorded, member)) {
    return refuse("member " + member.name +
                  ": the data descriptor disagrees with the central directory");
  }
  return reader.position();
}

Status inflate_member(const ByteSource& source, const ZipMember& member, const ZipSink& sink,
                      std::uint64_t limit, std::uint64_t& produced, std::uint32_t& crc) {
  z_stream stream{};
  if (inflateInit2(&stream, -MAX_WBITS) != Z_OK) {
    return make_error(ErrorCode::kInternal, "zlib: inflateInit2 failed");
  }
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&stream, inflateEnd);
  // Buffers no larger than the member needs: archives of many small members stay cheap.
  std::vector<std::byte> in(
      static_cast<std::size_t>(std::clamp<std::uint64_t>(member.compressed_size, 1, kChunk)));
  std::vector<std::byte> out(static_cast<std::size_t>(
      std::clamp<std::uint64_t>(std::min(limit, member.uncompressed_size), 1, kChunk)));
  std::uint64_t consumed = 0;
  int code = Z_OK;
  const bool whole = limit >= member.uncompressed_size;
  while (code != Z_STREAM_END && (whole || produced < limit)) {
    if (stream.avail_in == 0) {
      const std::size_t take = static_cast<std::size_t>(
          std::min<std::uint64_t>(in.size(), member.compressed_size - consumed));
      if (take == 0) {
        return refuse("member " + member.name + ": the deflate stream ends too soon");
      }
      MIRRORD_TRY(source.read_at(member.data_offset + consumed, std::span(in.data(), take)));
      consumed += take;
      stream.next_in = reinterpret_cast<Bytef*>(in.data());
      stream.avail_in = static_cast<uInt>(take);
    }
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    code = inflate(&stream, Z_NO_FLUSH);
    if (code != Z_OK && code != Z_STREAM_END) {
      return refuse("member " + member.name + ": corrupt deflate data");
    }
    const std::size_t got = out.size() - stream.avail_out;
    if (produced + got > member.uncompressed_size) {
      return refuse("member " + member.name + " inflates past its recorded size");
    }
    crc = static_cast<std::uint32_t>(
        crc32(crc, reinterpret_cast<const Bytef*>(out.data()), static_cast<uInt>(got)));
    produced += got;
    MIRRORD_TRY(sink(std::span<const std::byte>(out.data(), got)));
  }
  if (whole && (code != Z_STREAM_END || consumed - stream.avail_in != member.compressed_size)) {
    return refuse("member " + member.name +
                  ": the deflate stream does not end exactly at its recorded size");
  }
  return {};
}

Status copy_stored(const ByteSource& source, const ZipMember& member, const ZipSink& sink,
                   std::uint64_t limit, std::uint64_t& produced, std::uint32_t& crc) {
  const std::uint64_t total = std::min(limit, member.uncompressed_size);
  std::vector<std::byte> buffer(
      static_cast<std::size_t>(std::clamp<std::uint64_t>(total, 1, kChunk)));
  while (produced < total) {
    const std::size_t take =
        static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), total - produced));
    MIRRORD_TRY(source.read_at(member.data_offset + produced, std::span(buffer.data(), take)));
    crc = static_cast<std::uint32_t>(
        crc32(crc, reinterpret_cast<const Bytef*>(buffer.data()), static_cast<uInt>(take)));
    produced += take;
    MIRRORD_TRY(sink(std::span<const std::byte>(buffer.data(), take)));
  }
  return {};
}

}  // namespace

Status ZipArchive::check_local_header(ZipMember& member, std::uint64_t& span_end) const {
  ByteReader reader(*source_, member.local_header_offset, source_->size());
  MIRRORD_TRY_ASSIGN(const std::uint32_t sig, reader.u32le());
  if (sig != kLocalSig) {
    return refuse("member " + member.name + ": no local header where the directory points");
  }
  MIRRORD_TRY(reader.skip(2));
  MIRRORD_TRY_ASSIGN(const std::uint16_t flags, reader.u16le());
  MIRRORD_TRY_ASSIGN(const std::uint16_t method, reader.u16le());
  MIRRORD_TRY(reader.skip(4));
  MIRRORD_TRY_ASSIGN(const std::uint32_t crc, reader.u32le());
  MIRRORD_TRY_ASSIGN(const std::uint32_t csize, reader.u32le());
  MIRRORD_TRY_ASSIGN(const std::uint32_t usize, reader.u32le());
  MIRRORD_TRY_ASSIGN(const std::uint16_t name_length, reader.u16le());
  MIRRORD_TRY_ASSIGN(const std::uint16_t extra_length, reader.u16le());
  MIRRORD_TRY_ASSIGN(const std::string name, reader.bytes(name_length));
  MIRRORD_TRY_ASSIGN(const std::string extra, reader.bytes(extra_length));
  if (name != member.name) {
    return refuse("local header names '" + name + "' where the central directory names '" +
                  member.name + "'");
  }
  if (flags != member.flags || method != member.method) {
    return refuse("member " + member.name + ": local and central flags or method differ");
  }
  member.data_offset = reader.position();
  if (member.compressed_size > source_->size() - member.data_offset) {
    return refuse("member " + member.name + " extends past the end of the archive");
  }
  span_end = member.data_offset + member.compressed_size;
  if ((flags & kDescriptorFlag) != 0) {
    // Writers that stream (PyTorch among them) leave zeros here and put the values after the data.
    if (crc != 0 && crc != member.crc32) {
      return refuse("member " + member.name + ": local and central CRC-32 differ");
    }
    MIRRORD_TRY_ASSIGN(span_end, check_descriptor(*source_, member, span_end));
    return {};
  }
  ZipMember local = member;
  local.compressed_size = csize;
  local.uncompressed_size = usize;
  MIRRORD_TRY(apply_zip64_extra(extra, false, local, csize, usize, 0));
  if (crc != member.crc32 || local.compressed_size != member.compressed_size ||
      local.uncompressed_size != member.uncompressed_size) {
    return refuse("member " + member.name + ": local header and central directory disagree " +
                  "on CRC-32 or sizes");
  }
  return {};
}

Status ZipArchive::check_local_headers(std::uint64_t directory_at) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> spans;
  for (ZipMember& member : members_) {
    std::uint64_t span_end = 0;
    MIRRORD_TRY(check_local_header(member, span_end));
    spans.emplace_back(member.local_header_offset, span_end);
  }
  std::sort(spans.begin(), spans.end());
  for (std::size_t i = 0; i < spans.size(); ++i) {
    const std::uint64_t next = i + 1 < spans.size() ? spans[i + 1].first : directory_at;
    if (spans[i].second > next) {
      return refuse("member data overlaps another member or the central directory");
    }
  }
  return {};
}

Status ZipArchive::read_member(const ZipMember& member, const ZipSink& sink) const {
  std::uint64_t produced = 0;
  std::uint32_t crc = static_cast<std::uint32_t>(crc32(0, nullptr, 0));
  const std::uint64_t all = member.uncompressed_size;
  MIRRORD_TRY(member.method == 0 ? copy_stored(*source_, member, sink, all, produced, crc)
                                 : inflate_member(*source_, member, sink, all, produced, crc));
  if (produced != member.uncompressed_size) {
    return refuse("member " + member.name + " is shorter than its recorded size");
  }
  if (crc != member.crc32) {
    return refuse("member " + member.name + " fails its CRC-32 check");
  }
  return {};
}

Result<std::string> ZipArchive::read_head(const ZipMember& member, std::size_t count) const {
  std::string head;
  std::uint64_t produced = 0;
  std::uint32_t crc = 0;
  const ZipSink collect = [&](std::span<const std::byte> bytes) {
    const std::size_t room = count - std::min(count, head.size());
    head.append(reinterpret_cast<const char*>(bytes.data()), std::min(room, bytes.size()));
    return Status{};
  };
  MIRRORD_TRY(member.method == 0 ? copy_stored(*source_, member, collect, count, produced, crc)
                                 : inflate_member(*source_, member, collect, count, produced, crc));
  return head;
}

}  // namespace mirrord
