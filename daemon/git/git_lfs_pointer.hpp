// Git LFS pointer files (protocols/git.md §6.1): the small text blob git stores in place of a
// large file. Only the canonical form is accepted — "version" first, then "oid sha256:<64 lower
// hex>", then "size <decimal>", each line ending in LF, nothing else — which is what git-lfs
// writes and what lfs_pointer_text() produces, so a parsed pointer re-renders byte for byte.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "storage/digest.hpp"

namespace mirrord::git {

// Pointer files are small; anything larger is never a pointer.
inline constexpr std::uint64_t kMaxLfsPointerSize = 1024;

struct LfsPointer {
  Sha256 oid;
  std::uint64_t size = 0;
  friend bool operator==(const LfsPointer&, const LfsPointer&) = default;
};

std::optional<LfsPointer> parse_lfs_pointer(std::string_view text);

}  // namespace mirrord::git
