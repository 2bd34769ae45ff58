// Command-line parsing for mirrorctl: pure functions, no I/O.
//
// Global flags may come before or after the command ("mirrorctl --json ls" and
// "mirrorctl ls --json" are the same); "--" ends the flags. Which flags a command accepts is
// checked by the dispatcher against the command table, not here.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mirrord::cli {

// The daemon's embedded default admin socket, relative to the working directory (the daemon
// started without a config file puts its state in ./mirrord-state).
inline constexpr std::string_view kDefaultAdminSocket = "./mirrord-state/admin.sock";
// The environment variable that overrides the default socket.
inline constexpr std::string_view kSocketEnvVar = "MIRRORD_SOCKET";

struct Arguments {
  std::string command;                    // empty when none was given
  std::vector<std::string> operands;      // what follows the command, flags removed
  std::optional<std::string> socket;      // --socket PATH / --socket=PATH
  std::optional<std::string> public_url;  // --public-url URL (env: the mirror's URL for clients)
  std::optional<std::string> reason;      // --reason TEXT (pin: recorded with the pin)
  std::optional<std::string> from;        // --from PEER (pull: from another mirror, [peers.PEER])
  bool json = false;
  bool no_progress = false;
  std::optional<std::string> to;     // --to FILE|DIR (export)
  std::optional<std::string> since;  // --since EARLIER_BUNDLE (export)
  std::optional<std::string> key;    // --key PEM (import)
  bool dry_run = false;              // --dry-run (gc)
  bool help = false;                 // -h / --help
};

struct ParsedArguments {
  Arguments arguments;
  std::string error;  // non-empty: a usage error, phrased for the user
};

// Every option mirrorctl knows, for help, completion and "did you mean".
inline constexpr std::string_view kKnownOptions[] = {
    "--socket", "--json", "--no-progress", "--public-url", "--dry-run", "--reason",
    "--from",   "--to",   "--since",       "--key",        "--help",    "-h"};

// `args` excludes the program name.
ParsedArguments parse_arguments(const std::vector<std::string>& args);

// --socket wins, then $MIRRORD_SOCKET (when set and non-empty), then kDefaultAdminSocket.
std::string resolve_socket_path(const std::optional<std::string>& flag, const char* env_value);

}  // namespace mirrord::cli
