// mirrorctl's bundle commands (README "Air-gapped transfer"; docs/admin-api.md, "Bundles"):
//   export TARGET... --to FILE|DIR [--since BUNDLE]   write a signed bundle
//   import FILE|DIR [--key PEM]                       verify a bundle and publish what it holds
// The daemon does the work as a job and reads and writes the paths itself; relative paths are
// made absolute against mirrorctl's working directory. mirrorctl waits for the job; stopping
// mirrorctl does not stop it.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"

namespace mirrord::cli {

int run_export_command(const Invocation& invocation);
int run_import_command(const Invocation& invocation);

// What export and import print for their finished job object (pure; for tests).
std::string bundle_outcome_text(const std::string& verb, const nlohmann::json& job);

}  // namespace mirrord::cli
