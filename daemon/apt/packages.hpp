// Binary package indexes (Packages files) and the choice of packages a partial mirror keeps.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "policies/apt_target.hpp"
#include "storage/digest.hpp"
#include "storage/result.hpp"

namespace mirrord::apt {

struct PackageEntry {
  std::string name;
  std::string version;
  std::string architecture;
  std::string priority;
  std::string filename;  // relative to the archive root, e.g. pool/main/c/curl/curl_7.88_amd64.deb
  std::uint64_t size = 0;
  Sha256 sha256;
  // Depends and Pre-Depends: each inner list is one '|' group of package names, versions,
  // architecture qualifiers and restrictions removed.
  std::vector<std::vector<std::string>> depends;
  std::vector<std::string> provides;
};

// Parses every stanza of a Packages file. A stanza without Package, Filename, Size or SHA256,
// or with an unsafe Filename, fails the whole index: the mirror could not verify that package.
Status for_each_package(std::string_view packages_text,
                        const std::function<Status(PackageEntry&&)>& on_package);

// "a (>= 1) | b:any, c [amd64] <!nocheck>" -> {{"a", "b"}, {"c"}}
std::vector<std::vector<std::string>> parse_relations(std::string_view field);

// The names of the packages a policy keeps out of `packages` (the entries of every index of the
// pull): every name without a filter; else the listed names and those of a listed priority, and
// with `dependencies` their Depends/Pre-Depends closure: for each '|' group the first name that
// is a real package, else every provider of the first name something provides. A listed name
// that no index holds is an error (kNotFound), so that a typo does not mirror nothing quietly.
Result<std::set<std::string>> select_package_names(const std::vector<PackageEntry>& packages,
                                                   const AptTarget& target);

}  // namespace mirrord::apt
