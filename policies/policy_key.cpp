// Policy::key: the single-flight key of what a policy mirrors, by source.
#include "policies/policy.hpp"

namespace mirrord {

std::string Policy::key() const {
  if (source == "pypi") {
    return pypi.key(name);
  }
  if (source == "apt") {
    return apt.key(name);
  }
  if (source == "git") {
    return git.key(name);
  }
  return hf.key();
}

}  // namespace mirrord
