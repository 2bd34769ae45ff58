// Names of the files under a bare repository that the dumb-HTTP routes may serve. The routes
// never join a request path onto a directory: they check each segment against these shapes and
// build the path from the checked parts (invariant 6).
#pragma once

#include <string>
#include <string_view>

namespace mirrord::git {

inline bool is_lower_hex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

// "pack-<40 lower hex>.pack" or "pack-<40 lower hex>.idx".
inline bool is_pack_file_name(std::string_view name) {
  constexpr std::size_t kHex = 40;
  if (!name.starts_with("pack-") || name.size() < 5 + kHex) {
    return false;
  }
  const std::string_view suffix = name.substr(5 + kHex);
  return is_lower_hex(name.substr(5, kHex)) && (suffix == ".pack" || suffix == ".idx");
}

// "pack-X.pack" -> "pack-X.idx".
inline std::string index_name_of(std::string_view pack_name) {
  return std::string(pack_name.substr(0, pack_name.size() - 5)) + ".idx";
}

// A loose object's two path segments: 2 and 38 lower-case hex characters.
inline bool is_loose_object_path(std::string_view dir, std::string_view file) {
  return dir.size() == 2 && file.size() == 38 && is_lower_hex(dir) && is_lower_hex(file);
}

}  // namespace mirrord::git
