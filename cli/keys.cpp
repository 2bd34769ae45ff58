#include "cli/keys.hpp"

#include "cli/admin_client.hpp"
#include "cli/exit_codes.hpp"
#include "cli/failure_report.hpp"

namespace mirrord::cli {

int run_keys_command(const Invocation& invocation) {
  const Console& console = invocation.console;
  const auto& operands = invocation.arguments.operands;
  if (operands.size() != 1 || operands[0] != "export") {
    return usage_error(console, "usage: mirrorctl keys export [--json]");
  }
  AdminClient client(invocation.socket_path);
  const AdminResponse response = client.get("/v1/keys/apt");
  if (!response.reached) {
    console.err << unreachable_message(invocation.socket_path, response.failure) << '\n';
    return kExitUnreachable;
  }
  if (!response.ok() || !response.body.contains("public_key") ||
      !response.body["public_key"].is_string()) {
    console.err << "error: " << describe_failure(response) << '\n';
    return kExitFailed;
  }
  if (invocation.arguments.json) {
    console.out << response.body.dump(2) << '\n';
  } else {
    console.out << response.body["public_key"].get<std::string>();
  }
  return kExitOk;
}

}  // namespace mirrord::cli
