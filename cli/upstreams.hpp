// `mirrorctl upstreams [--json]`: what mirrord has seen of each upstream since it started
// (GET /v1/upstreams; README "Several upstreams").
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"

namespace mirrord::cli {

int run_upstreams_command(const Invocation& invocation);

// The table printed for a /v1/upstreams answer at `now` (unix seconds); pure, for tests.
std::string upstreams_text(const nlohmann::json& body, std::int64_t now);

}  // namespace mirrord::cli
