// GitTarget: what a `source = "git"` policy mirrors (see policies/policy.hpp for the file format).
#pragma once

#include <string>
#include <vector>

namespace mirrord {

struct GitTarget {
  std::string url;                // upstream git URL
  std::vector<std::string> refs;  // ref patterns to mirror

  std::string key(const std::string& policy_name) const;
};

}  // namespace mirrord
