// `mirrorctl policy`:
//   policy check FILE...  validates policy files offline with the policies library (the daemon's
//                         own parser, so the same errors with file:line), prints the entries found;
//                         a directory stands for its *.toml files
//   policy ls             the daemon's policies (GET /v1/policies)
//   policy names          their names and aliases, one per line (for shell completion)
// Each takes --json.
#pragma once

#include "cli/commands.hpp"

namespace mirrord::cli {

int run_policy_command(const Invocation& invocation);

}  // namespace mirrord::cli
