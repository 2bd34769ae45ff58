// `mirrorctl completion bash|zsh`: a shell completion script built from the command table, so a
// command added to the table is completed without touching this file. It completes commands,
// each command's options and subcommands, file names for `policy check`, and TARGETs with the
// daemon's policy names and aliases (`mirrorctl policy names`, run quietly with the --socket
// typed so far; nothing is offered when the daemon is down).
#pragma once

#include <string>

#include "cli/commands.hpp"

namespace mirrord::cli {

std::string bash_completion_script();
// The bash script behind zsh's bashcompinit.
std::string zsh_completion_script();

int run_completion_command(const Invocation& invocation);

}  // namespace mirrord::cli
