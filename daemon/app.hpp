// App: wires the daemon together from a Config — store, catalog, policies, fetcher, sources,
// jobs, the public and admin listeners — and runs it until SIGTERM.
#pragma once

#include "daemon/config.hpp"

namespace mirrord {

// Returns the process exit code. `config_file` (empty: embedded defaults) is re-read on SIGHUP.
int run_daemon(const Config& config, const std::filesystem::path& config_file = {});
// Validates what run_daemon would load (policies included) without starting anything.
int check_daemon_config(const Config& config);

}  // namespace mirrord
