// AptTarget: what a `source = "apt"` policy mirrors (see policies/policy.hpp for the file format).
#pragma once

#include <string>
#include <vector>

namespace mirrord {

struct AptTarget {
  std::string url;  // upstream archive root, e.g. http://deb.debian.org/debian
  std::vector<std::string> suites;

  std::string key(const std::string& policy_name) const;
};

}  // namespace mirrord
