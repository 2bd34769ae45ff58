// Test data and byte builders shared by the inspector tests (policies/inspect/).
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace mirrord::inspect_fixtures {

inline std::filesystem::path data_dir() {
  return std::filesystem::path(MIRRORD_TEST_DATA);
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline std::string le32(std::uint32_t value) {
  std::string out(4, '\0');
  for (int i = 0; i < 4; ++i)
    out[i] = static_cast<char>((value >> (8 * i)) & 0xff);
  return out;
}

inline std::string le64(std::uint64_t value) {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i)
    out[i] = static_cast<char>((value >> (8 * i)) & 0xff);
  return out;
}

// Overwrites `bytes.size()` bytes of `text` at `offset`.
inline std::string patched(std::string text, std::size_t offset, const std::string& bytes) {
  text.replace(offset, bytes.size(), bytes);
  return text;
}

}  // namespace mirrord::inspect_fixtures
