// The GGUF validator (security.md §4): header, metadata and tensor infos, checked with bounded
// arithmetic before anything is allocated.
//
// Refused: a wrong magic; a version other than 2 or 3; a tensor or key/value count, string or
// array length that cannot fit in the bytes that remain (so 2^63 costs nothing); strings or arrays
// above 1 GiB; an unknown value or array element type, nested arrays; a general.alignment that is
// not a power of two; duplicate or over-long tensor names; more than 4 dimensions; an unknown or
// removed ggml type; a first dimension that is not a multiple of the type's block size; an
// element count or byte size that overflows; a tensor offset that is unaligned, overlaps another
// tensor or runs past the end of the file.
#pragma once

#include <cstdint>
#include <string>

#include "policies/inspect/byte_source.hpp"
#include "storage/result.hpp"

namespace mirrord {

struct GgufSummary {
  std::uint32_t version = 0;
  std::uint64_t tensors = 0;
  std::uint64_t metadata_entries = 0;
  std::uint64_t alignment = 32;
  std::uint64_t data_offset = 0;  // where the tensor data section starts
  std::string architecture;       // general.architecture, when present
};

Result<GgufSummary> validate_gguf(const ByteSource& source);

// Whether the bytes start with the GGUF magic.
bool starts_like_gguf(std::string_view head);

}  // namespace mirrord
