// Job objects, output capture and dispatch helpers shared by mirrorctl's command tests.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "tests/unit/cli/fake_admin_server.hpp"

namespace mirrord::cli::testing {

// A job as docs/admin-api.md describes it; failed jobs carry an error, succeeded ones a commit.
inline nlohmann::json job_object(const std::string& state, std::uint64_t files_done,
                                 std::uint64_t bytes_done) {
  using json = nlohmann::json;
  return json{
      {"id", 7},
      {"target", "qwen"},
      {"key", "hf:model:Qwen/Qwen2.5-0.5B-Instruct@main"},
      {"state", state},
      {"created_at", 1795897946},
      {"updated_at", 1795897950},
      {"files_total", 8},
      {"files_done", files_done},
      {"bytes_total", 199064},
      {"bytes_done", bytes_done},
      {"commit", state == "succeeded" ? "7ae557604adf67be50417f59c2c2f167def9a775" : ""},
      {"error",
       state == "failed" ? "config.json: digest mismatch (upstream changed the file?)" : ""}};
}

inline FakeReply job_reply(const nlohmann::json& job, int status = 200) {
  return {status, nlohmann::json{{"job", job}}.dump()};
}

// Captures what a command prints.
struct Captured {
  std::ostringstream out;
  std::ostringstream err;
  Console console{out, err, false, 80};
};

// Runs mirrorctl with `args` (no $MIRRORD_SOCKET) and returns its exit code.
inline int run(Captured& captured, const std::vector<std::string>& args) {
  return dispatch(args, nullptr, captured.console);
}

}  // namespace mirrord::cli::testing
