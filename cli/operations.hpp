// mirrorctl's operations commands (README "Policies and schedules"; docs/admin-api.md):
//   sync [TARGET]   sync TARGET now, or every scheduled target; progress and exit codes as `pull`
//   gc [--dry-run]  apply retention, then remove unreferenced blobs; report blobs and bytes freed
// and the schedules table that `status` prints.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"

namespace mirrord::cli {

int run_sync_command(const Invocation& invocation);
int run_gc_command(const Invocation& invocation);

// The text `gc` prints for a /v1/gc answer (pure; for tests).
std::string gc_text(const nlohmann::json& body);
// The schedules of a /v1/status or /v1/schedules answer as a table; "" when there are none.
std::string schedules_text(const nlohmann::json& schedules);

}  // namespace mirrord::cli
