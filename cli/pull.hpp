// `mirrorctl pull TARGET`: ask mirrord to mirror TARGET, then watch the job until it ends.
//
// The pull runs in the daemon, not in mirrorctl: Ctrl-C (or a lost connection) stops the
// watching, never the pull, and the user is told how to find it again.
#pragma once

#include <chrono>
#include <string>

#include "cli/admin_client.hpp"
#include "cli/console.hpp"

namespace mirrord::cli {

struct PullOptions {
  std::string target;
  std::string from;           // non-empty: pull from the peer of this name (--from)
  bool json = false;          // print only the final job object, as JSON
  bool show_progress = true;  // false with --no-progress
  std::chrono::milliseconds poll_interval{200};
  double line_interval_seconds = 5.0;  // plain progress lines, when stdout is not a terminal
};

// Returns the process exit code (cli/exit_codes.hpp): 0 only when the job succeeded.
int run_pull(AdminClient& client, const PullOptions& options, const Console& console);

// What run_pull does, for another endpoint that starts one job and answers {"job", "joined"}
// (`mirrorctl sync TARGET` posts to /v1/syncs).
int start_and_watch(AdminClient& client, const std::string& path, const PullOptions& options,
                    const Console& console);
// Watches the job of a start answer ({"job", "joined"}) until it ends, with pull's progress and
// messages; `final_job` receives its last object. Returns the exit code.
int watch_job(AdminClient& client, const PullOptions& options, const Console& console,
              const nlohmann::json& started, std::chrono::steady_clock::time_point start,
              nlohmann::json& final_job);
// Explains an answer that did not start a job; returns the exit code (unreachable, unknown
// target with suggestions, usage, failure).
int report_start_failure(const AdminResponse& response, const std::string& socket,
                         const Console& console);

}  // namespace mirrord::cli
