#include "cli/bundle_commands.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "cli/admin_client.hpp"
#include "cli/api_objects.hpp"
#include "cli/exit_codes.hpp"
#include "cli/failure_report.hpp"
#include "cli/format.hpp"
#include "cli/pull.hpp"

namespace mirrord::cli {
namespace {

using nlohmann::json;

std::string absolute(const std::string& path) {
  return std::filesystem::absolute(path).lexically_normal().string();
}

// Starts the job at `endpoint` and waits for it; prints its outcome.
int run_bundle_job(const Invocation& invocation, const std::string& verb,
                   const std::string& endpoint, const json& body) {
  AdminClient client(invocation.socket_path);
  const AdminResponse created = client.post(endpoint, body);
  if (!created.ok()) {
    return report_start_failure(created, client.socket_path(), invocation.console);
  }
  const std::string id = std::to_string(created.body["job"].value("id", std::int64_t{0}));
  // A small bundle is done in milliseconds: poll fast at first, then every 200 ms.
  auto pause = std::chrono::milliseconds(10);
  for (;;) {
    const AdminResponse polled = client.get("/v1/jobs/" + id);
    if (!polled.ok()) {
      return report_start_failure(polled, client.socket_path(), invocation.console);
    }
    const json& job = polled.body["job"];
    if (!is_final_state(job.value("state", ""))) {
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::milliseconds(200));
      continue;
    }
    const bool succeeded = job.value("state", "") == "succeeded";
    if (invocation.arguments.json) {
      invocation.console.out << job.dump(2) << '\n';
    } else {
      (succeeded ? invocation.console.out : invocation.console.err)
          << bundle_outcome_text(verb, job);
    }
    return succeeded ? kExitOk : kExitFailed;
  }
}

}  // namespace

std::string bundle_outcome_text(const std::string& verb, const json& job) {
  const Job parsed = job_from_json(job);
  if (parsed.state != "succeeded") {
    return "error: " + verb + " " + parsed.state + ": " + parsed.error + "\n";
  }
  const std::string blobs =
      std::to_string(parsed.files_done) + " blobs (" + human_bytes(parsed.bytes_done) + ")";
  if (verb == "export") {
    return "exported bundle " + parsed.commit + ": " + blobs + " written\n";
  }
  return "imported bundle " + parsed.commit + ": " + blobs +
         " verified and stored, every snapshot published\n";
}

int run_export_command(const Invocation& invocation) {
  const Arguments& arguments = invocation.arguments;
  if (arguments.operands.empty() || !arguments.to) {
    return usage_error(invocation.console, "usage: mirrorctl export TARGET... --to FILE|DIR");
  }
  json body{{"targets", arguments.operands}, {"to", absolute(*arguments.to)}};
  if (arguments.since) {
    body["since"] = absolute(*arguments.since);
  }
  return run_bundle_job(invocation, "export", "/v1/exports", body);
}

int run_import_command(const Invocation& invocation) {
  const Arguments& arguments = invocation.arguments;
  if (arguments.operands.size() != 1) {
    return usage_error(invocation.console, "usage: mirrorctl import FILE|DIR [--key PEM]");
  }
  json body{{"from", absolute(arguments.operands[0])}};
  if (arguments.key) {
    body["key"] = absolute(*arguments.key);
  }
  return run_bundle_job(invocation, "import", "/v1/imports", body);
}

}  // namespace mirrord::cli
