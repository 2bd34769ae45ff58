// The catalog repos a resolved policy mirrors, for `mirrorctl export TARGET`: a Hugging Face
// repo, every PyPI project published under the policy's index root, an apt policy's repo, or a
// git policy's mirror.
#pragma once

#include <vector>

#include "policies/policy.hpp"
#include "storage/catalog.hpp"

namespace mirrord::replica {

// kNotFound when the policy has nothing published yet.
Result<std::vector<RepoKey>> repos_of_policy(const Policy& policy, Catalog& catalog);

}  // namespace mirrord::replica
