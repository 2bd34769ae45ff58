// `mirrorctl keys export`: prints the mirror's public archive key (GET /v1/keys/apt), armored,
// for apt clients' signed-by, e.g.
//   mirrorctl keys export > /etc/apt/keyrings/mirror.asc
// With --json, the admin API's object {"fingerprint": ..., "public_key": ...}.
#pragma once

#include "cli/commands.hpp"

namespace mirrord::cli {

int run_keys_command(const Invocation& invocation);

}  // namespace mirrord::cli
