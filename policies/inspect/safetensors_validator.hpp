// The safetensors validator (security.md §3): the rules of the reference reader, checked without
// reading the tensor data.
//
// Refused: a header length N above 100,000,000 or past the end of the file; a header that is not
// UTF-8 JSON, not an object, or repeats a key; __metadata__ values that are not strings; a tensor
// entry with keys other than dtype/shape/data_offsets, an unknown dtype, a negative or non-integer
// dimension or offset; a byte range that does not match dtype x shape (with overflow checks, and
// sub-byte dtypes ending on a byte boundary); tensors that, sorted by offset, are not contiguous
// from 0 (holes or overlaps); and any byte after the last tensor (8 + N + data == file length).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "policies/inspect/byte_source.hpp"
#include "storage/result.hpp"

namespace mirrord {

inline constexpr std::uint64_t kMaxSafetensorsHeader = 100'000'000;

struct SafetensorsSummary {
  std::uint64_t header_length = 0;
  std::uint64_t tensors = 0;
  std::uint64_t data_bytes = 0;
  std::map<std::string, std::uint64_t> dtypes;  // dtype -> tensor count
};

Result<SafetensorsSummary> validate_safetensors(const ByteSource& source);

}  // namespace mirrord
