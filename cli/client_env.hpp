// `mirrorctl env TARGET`: the client settings that use the mirror for TARGET (README, "Pointing
// clients at the mirror" and each ecosystem's "Clients" part).
//
// The daemon resolves TARGET (GET /v1/policy: a policy name, an alias, hf:/pypi:/git: ad-hoc
// targets) and says where it serves it; the mirror's URL as clients see it is --public-url, else
// the daemon's [server] public_url (GET /v1/status). The text form is safe to eval: only the
// `export` lines are commands, everything else is a comment to copy from.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"

namespace mirrord::cli {

struct ClientCommand {
  std::string comment;  // what it does
  std::string command;  // a shell command line
};

struct ClientFile {
  std::string path;  // where it goes, e.g. "/etc/apt/sources.list.d/NAME.list"
  std::string comment;
  std::string content;
};

struct ClientSetup {
  std::string target;                                    // as typed
  std::string policy;                                    // the policy's name
  std::string source;                                    // hf | pypi | apt | git
  std::string public_url;                                // without a trailing '/'
  std::string url;                                       // where the mirror serves this target
  std::vector<std::pair<std::string, std::string>> env;  // variables to export, in order
  std::vector<ClientCommand> commands;
  std::vector<ClientFile> files;
};

// Builds the setup from a GET /v1/policy answer ({"policy", "path"}) and the public URL.
ClientSetup client_setup(const std::string& target, const nlohmann::json& answer,
                         const std::string& public_url);

std::string client_setup_text(const ClientSetup& setup);
// {"target", "policy", "source", "public_url", "url", "env": {NAME: VALUE}, "commands":
// [{"comment", "command"}], "files": [{"path", "comment", "content"}]}
nlohmann::json client_setup_json(const ClientSetup& setup);

int run_env_command(const Invocation& invocation);

}  // namespace mirrord::cli
