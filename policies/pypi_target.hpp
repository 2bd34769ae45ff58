// PypiTarget: what a `source = "pypi"` policy mirrors (see policies/policy.hpp for the file format).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mirrord {

struct PypiTarget {
  std::string index;                  // upstream simple index URL, e.g. https://pypi.org/simple/
  std::vector<std::string> projects;  // project names to mirror

  // Canonical single-flight key of a policy named `policy_name`.
  std::string key(const std::string& policy_name) const;
};

}  // namespace mirrord
