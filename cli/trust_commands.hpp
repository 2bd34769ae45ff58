// mirrorctl's trust commands (README "Trust"; docs/admin-api.md "Trust"):
//   show TARGET                      a mirrored repo's snapshot and its admission verdict
//   quarantine ls [all]              refused files held for inspection (all: released ones too)
//   quarantine release ID REASON...  publish one quarantined file, recording why
//   verify [TARGET]                  re-check stored blobs, digests and signed manifests
//   keys manifest                    the mirror's manifest-signing public key (created if missing)
// Each takes --json to print the admin API's objects instead.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"

namespace mirrord::cli {

int run_show_command(const Invocation& invocation);
int run_quarantine_command(const Invocation& invocation);
int run_verify_command(const Invocation& invocation);
// `keys manifest`; any other `keys` form goes to `fallback` (the apt key export).
int run_keys_manifest_or(const Invocation& invocation, int (*fallback)(const Invocation&));

// The text `show` prints for a /v1/show answer (pure; for tests).
std::string show_text(const nlohmann::json& body);

}  // namespace mirrord::cli
