// mirrorctl's commands: a table of {name, synopsis, summary, flags, function}, the help built from
// it, and the dispatcher that main() calls. Each command is a small function over the admin API.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli/args.hpp"
#include "cli/console.hpp"

namespace mirrord::cli {

struct Invocation {
  const Arguments& arguments;
  std::string socket_path;
  const Console& console;
};

// Which per-command flags a command takes; any other is a usage error.
enum CommandFlags : unsigned {
  kNoFlags = 0,
  kTakesJson = 1u << 0,
  kTakesNoProgress = 1u << 1,
  kTakesPublicUrl = 1u << 2,
  // For shell completion: the first operand is a TARGET (policy names and aliases are offered),
  // or file names.
  kCompletesTarget = 1u << 3,
  kCompletesFiles = 1u << 4,
  kTakesDryRun = 1u << 5,
  kTakesReason = 1u << 6,
  kTakesBundleTo = 1u << 7,  // --to, --since (export)
  kTakesKey = 1u << 8,       // --key (import)
  kTakesFrom = 1u << 9,      // --from (pull)
};

struct Command {
  std::string_view name;
  std::string_view synopsis;  // operands and flags, e.g. "TARGET [--json] [--no-progress]"
  std::string_view summary;
  unsigned flags;
  int (*run)(const Invocation&);
  // Words the first operand can be, space-separated ("export manifest"), for completion.
  std::string_view subcommands = {};
};

std::span<const Command> command_table();

// The text of `mirrorctl help`: commands, global flags, exit codes.
std::string help_text();
// The command named `name`, or nullptr.
const Command* find_command(std::string_view name);
// The options `command` takes (global ones included), e.g. {"--socket", "--json", "--help"}.
std::vector<std::string_view> command_options(const Command& command);

// Parses `args` (without the program name), runs the command, returns the exit code.
// `socket_env` is $MIRRORD_SOCKET (nullptr when unset).
int dispatch(const std::vector<std::string>& args, const char* socket_env, const Console& console);

}  // namespace mirrord::cli
