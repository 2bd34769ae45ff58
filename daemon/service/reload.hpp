// Reload (SIGHUP, `systemctl reload mirrord`): re-reads the config file and the policy files and
// swaps in the new policy set when both are valid. Connections, downloads and pulls in progress
// are not touched. An invalid file changes nothing: the error (file and line) is logged and the
// running set stays. Settings read only at start (listeners, storage, upstream clients, thread
// counts) keep their running values; each one that changed is reported as needing a restart.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "daemon/config.hpp"
#include "daemon/live_policies.hpp"

namespace mirrord::service {

// The policy book a config names: its policy directory over the shipped catalog (when included).
Result<PolicyBook> load_policies(const Config& config);

// The start-only settings whose values differ between `running` and `next`, named as in the file
// ("[server] listen"). The [policies] keys are not among them: a reload applies those.
std::vector<std::string> settings_needing_restart(const Config& running, const Config& next);

struct ReloadReport {
  bool applied = false;
  std::size_t policies = 0;                // policies in force after the reload
  std::vector<std::string> needs_restart;  // changed settings that wait for a restart
  std::string error;                       // why nothing was applied
};

// The log lines of a reload, one per line.
std::vector<std::string> describe(const ReloadReport& report);

// Thread-safety: reload() is called from one thread at a time (the signal watcher).
class Reloader {
 public:
  // An empty `config_file` means the daemon runs on embedded defaults: only policies are re-read.
  Reloader(std::filesystem::path config_file, Config running,
           std::shared_ptr<LivePolicies> policies);
  ReloadReport reload();

 private:
  const std::filesystem::path config_file_;
  const Config running_;
  std::shared_ptr<LivePolicies> policies_;
};

}  // namespace mirrord::service
