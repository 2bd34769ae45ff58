// mirrorctl's protection commands (README "Pinned snapshots and upstream changes";
// docs/admin-api.md "Pins and upstream changes"):
//   pin TARGET [REVISION] [--reason TEXT]   keep a ref or a commit from retention, GC and pulls
//   unpin TARGET [REVISION]                 remove such a pin
//   changes [TARGET]                        what upstreams changed that the mirror did not follow
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"

namespace mirrord::cli {

int run_pin_command(const Invocation& invocation);
int run_unpin_command(const Invocation& invocation);
int run_changes_command(const Invocation& invocation);

// The pins and upstream changes of a /v1/show answer, as `show` prints them after the snapshot
// (pure; for tests). Empty when the answer carries neither list.
std::string protection_text(const nlohmann::json& body);
// The refs of a /v1/show answer for a repo with no Hugging Face snapshot view (git, PyPI, apt).
std::string refs_text(const nlohmann::json& body);

}  // namespace mirrord::cli
