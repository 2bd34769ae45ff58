// AptTarget: what a `source = "apt"` policy mirrors (see policies/policy.hpp for the file format).
//
//   [[mirror]]
//   name = "debian-bookworm"
//   source = "apt"
//   url = "http://deb.debian.org/debian"          # archive root (holds dists/ and pool/), or
//                                                 # a list of mirrors of the same archive
//   suites = ["bookworm", "bookworm-updates"]
//   components = ["main"]                         # default ["main"]
//   architectures = ["amd64"]                     # default ["amd64"]
//   keyring = "/usr/share/keyrings/debian-archive-keyring.gpg"   # binary keyring, pinned
//   fingerprints = ["..."]                        # optional: allowed primary-key fingerprints
//   mode = "verbatim"                             # "verbatim" (default) | "resign"
//   packages = ["curl"]                           # optional partial mirror by package name
//   priorities = ["required"]                     # optional partial mirror by Priority
//   dependencies = true                           # add the Depends/Pre-Depends closure
//   resign_valid_days = 7                         # Valid-Until of re-signed Releases
//
// Served under /apt/<name>/, so clients write `deb http://MIRROR/apt/<name> <suite> <component>`.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace mirrord {

enum class AptMode { kVerbatim, kResign };

struct AptTarget {
  std::string
      url;  // upstream archive root without a trailing '/', e.g. http://deb.debian.org/debian
  std::vector<std::string> mirror_urls;  // more mirrors of the same archive (url = [...])
  std::vector<std::string> suites;
  std::vector<std::string> components = {"main"};
  std::vector<std::string> architectures = {"amd64"};
  std::filesystem::path keyring;  // absolute (relative ones resolve against the policy file)
  std::vector<std::string> fingerprints;  // upper-case hex; empty: any key of the keyring
  AptMode mode = AptMode::kVerbatim;
  std::vector<std::string> packages;  // empty with empty priorities: every package
  std::vector<std::string> priorities;
  bool dependencies = false;
  std::int64_t resign_valid_days = 7;

  std::string key(const std::string& policy_name) const;
  // `url` then `mirror_urls`.
  std::vector<std::string> all_urls() const {
    std::vector<std::string> all{url};
    all.insert(all.end(), mirror_urls.begin(), mirror_urls.end());
    return all;
  }
  // Whether every package is mirrored (no name or priority filter).
  bool mirrors_everything() const { return packages.empty() && priorities.empty(); }
};

const char* to_string(AptMode mode);

}  // namespace mirrord
