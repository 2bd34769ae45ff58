// Decompression of compressed indexes (Packages.xz, Packages.gz, ...) with libarchive's raw
// reader, bounded so that a small hostile file cannot expand without limit.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/result.hpp"

namespace mirrord::apt {

// The extensions apt may fetch an index with: "" (plain), ".gz", ".xz", ".bz2", ".lzma", ".zst".
// Returns the extension of `path` when it is one of the compressed ones, else "".
std::string_view compression_extension(std::string_view path);

// Decompresses `data` (any format libarchive recognises); kSizeMismatch when the result would
// exceed `max_bytes`, kInvalidInput when the data is not a valid compressed stream.
Result<std::string> decompress(std::string_view data, std::uint64_t max_bytes);

}  // namespace mirrord::apt
