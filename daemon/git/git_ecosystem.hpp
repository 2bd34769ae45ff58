// The git ecosystem: mirrors upstream git repositories (source = "git") and serves them, and the
// Hugging Face repos pulled through the HF ecosystem, to `git clone` with Git LFS.
#pragma once

#include <memory>

#include "daemon/ecosystem.hpp"

namespace mirrord {

Ecosystem make_git_ecosystem(std::shared_ptr<const EcosystemContext> context);

}  // namespace mirrord
