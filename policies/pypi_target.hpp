// PypiTarget: what a `source = "pypi"` policy mirrors. Keys of a `[[mirror]]` entry:
//
//   [[mirror]]
//   name = "torch-cu128"                 # served at /pypi/torch-cu128/simple/
//   source = "pypi"
//   index = "https://download.pytorch.org/whl/cu128/"   # upstream simple index (JSON or HTML)
//                                        # or a list of indexes of the same projects: files are
//                                        # fetched from any index listing the same sha256
//   projects = ["torch"]
//   versions = ">=2.7,<2.9"              # PEP 440 specifiers for the listed projects
//   latest = 1                           # newest N matching versions per project (0: all)
//   prereleases = false
//   wheel_tags = ["cp312-cp312-manylinux*_x86_64"]   # globs over "python-abi-platform"
//   sdists = true
//   max_file_size = 4294967296           # bytes
//   file_hosts = ["download-r2.pytorch.org"]         # hosts files may come from (besides index)
//   dependencies = true                  # also mirror what the selected wheels require
//
// Ad-hoc targets "pypi:NAME[SPECIFIERS]" mirror from the daemon's [upstream.pypi] index (empty
// `index`) and publish under /pypi/pypi/simple/ (`root`).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mirrord {

struct PypiTarget {
  std::string index;                       // upstream simple index URL; "" = [upstream.pypi] index
  std::vector<std::string> extra_indexes;  // more indexes of the same projects (index = [...])
  std::vector<std::string> projects;       // project names to mirror
  std::string versions;                    // PEP 440 specifier set for `projects`; "" = any
  std::int64_t latest = 0;                 // keep the newest N selected versions; 0 = all
  bool prereleases = false;                // select pre-releases (a specifier naming one also does)
  std::vector<std::string> wheel_tags;     // glob patterns over expanded wheel tags; empty = all
  bool sdists = true;                      // also mirror source distributions
  std::uint64_t max_file_size = 0;         // largest file mirrored, in bytes; 0 = no policy cap
  std::vector<std::string> file_hosts;     // allowed file hosts besides the index's; empty = any
  bool dependencies = false;               // mirror Requires-Dist of selected wheels, transitively
  std::string root;                        // index root name; "" = the policy name

  // `index` then `extra_indexes`; empty when `index` is.
  std::vector<std::string> all_indexes() const {
    std::vector<std::string> all;
    if (!index.empty()) {
      all.push_back(index);
    }
    all.insert(all.end(), extra_indexes.begin(), extra_indexes.end());
    return all;
  }

  // Canonical single-flight key of a policy named `policy_name`.
  std::string key(const std::string& policy_name) const;
  // The name of the index root (/pypi/<root>/simple/) that a policy named `policy_name` fills.
  std::string root_name(const std::string& policy_name) const {
    return root.empty() ? policy_name : root;
  }
};

}  // namespace mirrord
