#include "policies/inspect/gguf_validator.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <vector>

namespace mirrord {
namespace {

constexpr std::uint32_t kMagic = 0x46554747;  // "GGUF" little-endian
constexpr std::uint64_t kMaxLength = 1ull << 30;
constexpr std::uint64_t kMaxNameLength = 63;  // GGML_MAX_NAME - 1 (the NUL)
constexpr std::uint32_t kMaxDims = 4;
constexpr std::uint32_t kTypeString = 8;
constexpr std::uint32_t kTypeArray = 9;
constexpr std::uint32_t kTypeCount = 13;

// Size in bytes of each scalar value type (0 for STRING and ARRAY).
constexpr std::array<std::uint64_t, kTypeCount> kValueSizes = {1, 1, 2, 2, 4, 4, 4,
                                                               1, 0, 0, 8, 8, 8};

struct GgmlType {
  std::uint64_t block;  // elements per block; 0: no such type (never defined, or removed)
  std::uint64_t bytes;  // bytes per block
};

// ggml's type table (ggml.h); removed ids stay zero.
constexpr std::array<GgmlType, 40> kGgmlTypes = {{
    {1, 4},    {1, 2},    {32, 18},  {32, 20},   {0, 0},     {0, 0},     {32, 22},   {32, 24},
    {32, 34},  {32, 36},  {256, 84}, {256, 110}, {256, 144}, {256, 176}, {256, 210}, {256, 292},
    {256, 66}, {256, 74}, {256, 98}, {256, 50},  {32, 18},   {256, 110}, {256, 82},  {256, 136},
    {1, 1},    {1, 2},    {1, 4},    {1, 8},     {1, 8},     {256, 56},  {1, 2},     {0, 0},
    {0, 0},    {0, 0},    {256, 54}, {256, 66},  {0, 0},     {0, 0},     {0, 0},     {32, 17},
}};

Error refuse(const std::string& why) {
  return make_error(ErrorCode::kInvalidInput, "gguf: " + why);
}

Result<std::uint64_t> checked_length(ByteReader& reader, std::uint64_t minimum_each,
                                     const std::string& what) {
  MIRRORD_TRY_ASSIGN(const std::uint64_t length, reader.u64le());
  if (length > kMaxLength ||
      length > reader.remaining() / std::max<std::uint64_t>(1, minimum_each)) {
    return refuse(what + " of " + std::to_string(length) + " runs past the end of the file");
  }
  return length;
}

Result<std::string> read_string(ByteReader& reader, const std::string& what) {
  MIRRORD_TRY_ASSIGN(const std::uint64_t length, checked_length(reader, 1, what + " length"));
  return reader.bytes(length);
}

Status skip_value(ByteReader& reader, std::uint32_t type, const std::string& key, bool in_array) {
  if (type >= kTypeCount) {
    return refuse("'" + key + "' has unknown value type " + std::to_string(type));
  }
  if (type == kTypeString) {
    MIRRORD_TRY_ASSIGN(const std::uint64_t length, checked_length(reader, 1, "string in " + key));
    return reader.skip(length);
  }
  if (type != kTypeArray) {
    return reader.skip(kValueSizes[type]);
  }
  if (in_array) {
    return refuse("'" + key + "' nests an array in an array");
  }
  MIRRORD_TRY_ASSIGN(const std::uint32_t element, reader.u32le());
  if (element >= kTypeCount || element == kTypeArray) {
    return refuse("'" + key + "' is an array of unknown or nested type " + std::to_string(element));
  }
  const std::uint64_t each = element == kTypeString ? 8 : kValueSizes[element];
  MIRRORD_TRY_ASSIGN(const std::uint64_t count, checked_length(reader, each, "array " + key));
  if (element != kTypeString) {
    return reader.skip(count * each);
  }
  for (std::uint64_t i = 0; i < count; ++i) {
    MIRRORD_TRY(skip_value(reader, kTypeString, key, true));
  }
  return {};
}

Status read_metadata_entry(ByteReader& reader, GgufSummary& summary, std::set<std::string>& keys) {
  MIRRORD_TRY_ASSIGN(const std::string key, read_string(reader, "metadata key"));
  if (!keys.insert(key).second) {
    return refuse("metadata key '" + key + "' appears twice");
  }
  MIRRORD_TRY_ASSIGN(const std::uint32_t type, reader.u32le());
  if (key == "general.alignment") {
    if (type != 4) {  // UINT32
      return refuse("general.alignment is not a UINT32");
    }
    MIRRORD_TRY_ASSIGN(const std::uint32_t alignment, reader.u32le());
    if (alignment == 0 || (alignment & (alignment - 1)) != 0) {
      return refuse("general.alignment " + std::to_string(alignment) + " is not a power of two");
    }
    summary.alignment = alignment;
    return {};
  }
  if (key == "general.architecture" && type == kTypeString) {
    MIRRORD_TRY_ASSIGN(summary.architecture, read_string(reader, key));
    return {};
  }
  return skip_value(reader, type, key, false);
}

struct TensorSpan {
  std::uint64_t offset;
  std::uint64_t bytes;
  std::string name;
};

Result<TensorSpan> read_tensor_info(ByteReader& reader, std::set<std::string>& names) {
  MIRRORD_TRY_ASSIGN(std::string name, read_string(reader, "tensor name"));
  if (name.size() > kMaxNameLength || !names.insert(name).second) {
    return refuse("tensor name '" + name.substr(0, 80) + "' is too long or repeated");
  }
  MIRRORD_TRY_ASSIGN(const std::uint32_t dims, reader.u32le());
  if (dims > kMaxDims) {
    return refuse("tensor '" + name + "' has " + std::to_string(dims) + " dimensions (at most 4)");
  }
  std::array<std::uint64_t, kMaxDims> extent{1, 1, 1, 1};
  std::uint64_t elements = 1;
  for (std::uint32_t i = 0; i < dims; ++i) {
    MIRRORD_TRY_ASSIGN(extent[i], reader.u64le());
    if (extent[i] > (1ull << 62) || __builtin_mul_overflow(elements, extent[i], &elements)) {
      return refuse("tensor '" + name + "' has an overflowing element count");
    }
  }
  MIRRORD_TRY_ASSIGN(const std::uint32_t type, reader.u32le());
  if (type >= kGgmlTypes.size() || kGgmlTypes[type].block == 0) {
    return refuse("tensor '" + name + "' has unknown or removed ggml type " + std::to_string(type));
  }
  const GgmlType ggml = kGgmlTypes[type];
  if (extent[0] % ggml.block != 0) {
    return refuse("tensor '" + name + "' has a first dimension that is not a multiple of " +
                  std::to_string(ggml.block));
  }
  std::uint64_t bytes = 0;
  if (__builtin_mul_overflow(elements / ggml.block, ggml.bytes, &bytes)) {
    return refuse("tensor '" + name + "' has an overflowing byte size");
  }
  MIRRORD_TRY_ASSIGN(const std::uint64_t offset, reader.u64le());
  return TensorSpan{offset, bytes, std::move(name)};
}

Status check_tensor_spans(std::vector<TensorSpan>& spans, const GgufSummary& summary,
                          std::uint64_t file_size) {
  std::sort(spans.begin(), spans.end(),
            [](const TensorSpan& a, const TensorSpan& b) { return a.offset < b.offset; });
  const std::uint64_t data_bytes = file_size - summary.data_offset;
  std::uint64_t previous_end = 0;
  for (const TensorSpan& span : spans) {
    if (span.offset % summary.alignment != 0) {
      return refuse("tensor '" + span.name + "' has an unaligned offset");
    }
    if (span.offset < previous_end) {
      return refuse("tensor '" + span.name + "' overlaps the tensor before it");
    }
    if (span.offset > data_bytes || span.bytes > data_bytes - span.offset) {
      return refuse("tensor '" + span.name + "' runs past the end of the file");
    }
    previous_end = span.offset + span.bytes;
  }
  return {};
}

}  // namespace

bool starts_like_gguf(std::string_view head) {
  return head.size() >= 4 && head.substr(0, 4) == "GGUF";
}

Result<GgufSummary> validate_gguf(const ByteSource& source) {
  ByteReader reader(source);
  MIRRORD_TRY_ASSIGN(const std::uint32_t magic, reader.u32le());
  if (magic != kMagic) {
    return refuse("no GGUF magic");
  }
  GgufSummary summary;
  MIRRORD_TRY_ASSIGN(summary.version, reader.u32le());
  if (summary.version != 2 && summary.version != 3) {
    return refuse("unsupported version " + std::to_string(summary.version));
  }
  // A tensor info takes at least 8 + 4 + 4 + 8 bytes, a key/value at least 8 + 4 + 1.
  MIRRORD_TRY_ASSIGN(summary.tensors, checked_length(reader, 24, "tensor count"));
  MIRRORD_TRY_ASSIGN(summary.metadata_entries, checked_length(reader, 13, "metadata count"));
  std::set<std::string> keys;
  for (std::uint64_t i = 0; i < summary.metadata_entries; ++i) {
    MIRRORD_TRY(read_metadata_entry(reader, summary, keys));
  }
  if (summary.tensors > reader.remaining() / 24) {
    return refuse("tensor count " + std::to_string(summary.tensors) + " cannot fit in the file");
  }
  std::set<std::string> names;
  std::vector<TensorSpan> spans;
  for (std::uint64_t i = 0; i < summary.tensors; ++i) {
    MIRRORD_TRY_ASSIGN(TensorSpan span, read_tensor_info(reader, names));
    spans.push_back(std::move(span));
  }
  const std::uint64_t padding =
      (summary.alignment - reader.position() % summary.alignment) % summary.alignment;
  if (padding > reader.remaining()) {
    return refuse("the file ends before its tensor data section");
  }
  summary.data_offset = reader.position() + padding;
  MIRRORD_TRY(check_tensor_spans(spans, summary, source.size()));
  return summary;
}

}  // namespace mirrord
