// Core metadata of wheels (PEP 658): the bytes of `<name>-<version>.dist-info/METADATA`, read
// from the wheel's ZIP central directory with libarchive, and the few fields a mirror uses.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/pypi/dist_filename.hpp"
#include "storage/result.hpp"

namespace mirrord::pypi {

// METADATA files are a few KiB; a larger one is refused as hostile.
inline constexpr std::size_t kMaxMetadataBytes = 16u << 20;

// The METADATA bytes, unmodified, of the wheel open (readable, seekable) at `fd`. kInvalidInput
// when the archive is not a ZIP, holds no or several */METADATA files directly under a
// ".dist-info" directory, names a .dist-info directory that does not match `wheel`'s name and
// version, or when METADATA is larger than kMaxMetadataBytes. The fd's offset is changed.
Result<std::string> extract_wheel_metadata(int fd, const DistFilename& wheel);

struct CoreMetadata {
  std::string name;
  std::string version;
  std::optional<std::string> requires_python;
  std::vector<std::string> requires_dist;
};

// The header fields of a METADATA document (RFC 822 style, up to the first blank line).
CoreMetadata parse_core_metadata(std::string_view text);

}  // namespace mirrord::pypi
