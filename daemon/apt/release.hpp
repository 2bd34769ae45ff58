// The Release file (protocols/apt.md §2): identity, dates, and the checksum list of every index
// under dists/<suite>/. Parsed only from text a signature covers (gpgv's output).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/digest.hpp"
#include "storage/result.hpp"

namespace mirrord::apt {

struct ReleaseEntry {
  std::string path;  // relative to dists/<suite>/, e.g. "main/binary-amd64/Packages.xz"
  std::uint64_t size = 0;
  Sha256 sha256;
  std::optional<std::string> sha512;  // lower-case hex, when the Release has a SHA512 list
};

struct ReleaseInfo {
  std::string origin, label, suite, codename;
  std::int64_t date = 0;  // unix seconds
  std::optional<std::int64_t> valid_until;
  std::vector<std::string> architectures;
  std::vector<std::string> components;
  bool acquire_by_hash = false;
  bool no_arch_all_packages = false;            // "No-Support-for-Architecture-all: Packages"
  std::map<std::string, ReleaseEntry> entries;  // every SHA256 entry, by path
};

// Refuses a Release without a Date, without a SHA256 list, with a malformed or unsafe entry, or
// with a SHA512 entry whose size differs from its SHA256 entry.
Result<ReleaseInfo> parse_release(std::string_view signed_text);

// The Release text a re-signing mirror publishes for the same snapshot (protocols/apt.md §6):
// every field and checksum line kept as upstream wrote it, except Date and Valid-Until (set to
// the given times; Valid-Until added after Date when upstream had none) and Signed-By (dropped:
// it names upstream's keys, which do not sign the mirror's file).
Result<std::string> resigned_release_text(std::string_view signed_text, std::int64_t date,
                                          std::int64_t valid_until);

// A relative path a mirror may store and serve: '/'-separated, no empty, "." or ".." segment, no
// segment starting with '.', printable ASCII only (no spaces, backslashes or control bytes).
bool is_safe_relative_path(std::string_view path);

}  // namespace mirrord::apt
