// Requires-Dist values (PEP 508), read only as far as mirroring dependencies needs: the project
// name, the version specifiers, whether it points at a URL, and whether its marker is about an
// extra (an optional dependency, which is not mirrored). Other markers (platform, Python
// version) are not evaluated: the mirror keeps dependencies for every platform it serves.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mirrord::pypi {

struct Requirement {
  std::string name;         // normalized
  std::string specifiers;   // e.g. ">=1.13.3,<2"; "" = any version
  bool url = false;         // "name @ https://...": not resolvable from an index
  bool extra_only = false;  // the marker mentions `extra`
};

// nullopt when the text does not start with a valid project name.
std::optional<Requirement> parse_requirement(std::string_view text);

}  // namespace mirrord::pypi
