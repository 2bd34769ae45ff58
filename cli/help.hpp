// Help derived from the command table (cli/commands.hpp): `mirrorctl help [COMMAND] [--json]`,
// the options each command takes, and "did you mean" for a mistyped command.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"

namespace mirrord::cli {

struct OptionDoc {
  std::string_view name;     // "--socket"
  std::string_view metavar;  // "PATH", or "" for a switch
  std::string_view text;
  unsigned needs_flag;  // the CommandFlags bit a command must have to take it; 0: every command
};

// Every option, in the order help lists them.
std::span<const OptionDoc> option_docs();

// `mirrorctl help COMMAND`: its usage line, what it does, the options it takes.
std::string command_help_text(const Command& command);

// `mirrorctl help --json`: {"commands": [{"name", "synopsis", "summary", "options",
// "subcommands"}], "options": [{"name", "metavar", "text"}], "exit_codes": [{"code", "meaning"}]}.
nlohmann::json help_json();

// "unknown command 'pul'; did you mean 'pull'?" (the suggestion only when one is close).
std::string unknown_command_message(std::string_view typed);

// The `help` command.
int run_help_command(const Invocation& invocation);

}  // namespace mirrord::cli
