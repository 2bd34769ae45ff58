// `mirrorctl sync [TARGET]`: one target now, or every scheduled target, watched like `pull`.
#include <chrono>

#include "cli/admin_client.hpp"
#include "cli/exit_codes.hpp"
#include "cli/format.hpp"
#include "cli/operations.hpp"
#include "cli/pull.hpp"

namespace mirrord::cli {
namespace {

PullOptions sync_options(const Invocation& invocation) {
  PullOptions options;
  options.json = invocation.arguments.json;
  options.show_progress = !invocation.arguments.no_progress;
  if (!invocation.arguments.operands.empty()) {
    options.target = invocation.arguments.operands[0];
  }
  return options;
}

// Every scheduled target: the jobs are started at once, then watched one after the other; the
// exit code is the first failure's (0 only when every sync succeeded).
int sync_all(AdminClient& client, const PullOptions& options, const Console& console) {
  const auto start = std::chrono::steady_clock::now();
  const AdminResponse created = client.post("/v1/syncs", nlohmann::json::object());
  if (!created.ok()) {
    return report_start_failure(created, client.socket_path(), console);
  }
  const nlohmann::json started = created.body.value("jobs", nlohmann::json::array());
  if (started.empty() && !options.json) {
    console.out << "no scheduled targets (give a policy a `schedule`, or name a TARGET)\n";
  }
  int code = kExitOk;
  nlohmann::json finals = nlohmann::json::array();
  for (const nlohmann::json& one : started) {
    nlohmann::json final_job;
    const int outcome = watch_job(client, options, console, one, start, final_job);
    code = code == kExitOk ? outcome : code;
    finals.push_back(final_job);
    if (outcome == kExitUnreachable || outcome == kExitInterrupted) {
      return outcome;
    }
  }
  if (options.json) {
    console.out << finals.dump(2) << '\n';
  }
  return code;
}

}  // namespace

int run_sync_command(const Invocation& invocation) {
  if (invocation.arguments.operands.size() > 1) {
    invocation.console.err << "error: sync takes at most one TARGET\nrun `mirrorctl help` for "
                              "usage\n";
    return kExitUsage;
  }
  const PullOptions options = sync_options(invocation);
  AdminClient client(invocation.socket_path);
  if (options.target.empty()) {
    return sync_all(client, options, invocation.console);
  }
  return start_and_watch(client, "/v1/syncs", options, invocation.console);
}

}  // namespace mirrord::cli
