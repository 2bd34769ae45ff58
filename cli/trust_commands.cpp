#include "cli/trust_commands.hpp"

#include <cctype>
#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli/admin_client.hpp"
#include "cli/api_objects.hpp"
#include "cli/exit_codes.hpp"
#include "cli/failure_report.hpp"
#include "cli/format.hpp"
#include "cli/protection_commands.hpp"

namespace mirrord::cli {
namespace {

using nlohmann::json;

constexpr std::size_t kReasonWidth = 72;

int failure(const AdminResponse& response, const Invocation& invocation) {
  if (!response.reached) {
    invocation.console.err << unreachable_message(invocation.socket_path, response.failure) << '\n';
    return kExitUnreachable;
  }
  invocation.console.err << "error: " << describe_failure(response) << '\n';
  return response.status == 404 ? kExitUnknownTarget : kExitFailed;
}

std::string clipped(std::string text, std::size_t width) {
  if (text.size() > width) {
    text = text.substr(0, width - 3) + "...";
  }
  return text;
}

const json& object_field(const json& body, const char* key) {
  static const json kEmpty = json::object();
  return body.contains(key) && body[key].is_object() ? body[key] : kEmpty;
}

const json& array_of(const json& body, const char* key) {
  static const json kEmpty = json::array();
  return body.contains(key) && body[key].is_array() ? body[key] : kEmpty;
}

std::string joined(const json& items) {
  std::string out;
  for (const json& item : items) {
    if (item.is_string())
      out += (out.empty() ? "" : ", ") + item.get<std::string>();
  }
  return out.empty() ? "-" : out;
}

std::string files_table(const json& files) {
  std::vector<std::vector<std::string>> rows;
  for (const json& file : files) {
    std::string note = string_field(file, "reason");
    if (note.empty())
      note = string_field(file, "detail");
    if (!string_field(file, "release_reason").empty()) {
      note = "released: " + string_field(file, "release_reason");
    }
    if (!string_field(file, "signature").empty()) {
      note = "[signature: " + string_field(file, "signature") + "] " + note;
    }
    rows.push_back({string_field(file, "status"), string_field(file, "format"),
                    human_bytes(count_field(file, "size")), string_field(file, "path"),
                    clipped(note, kReasonWidth)});
  }
  return render_table({{"STATUS"}, {"FORMAT"}, {"SIZE", true}, {"PATH"}, {"REASON / DETAIL"}},
                      rows);
}

std::string quarantine_table(const json& entries) {
  std::vector<std::vector<std::string>> rows;
  for (const json& entry : entries) {
    const bool released = integer_field(entry, "released_at") != 0;
    rows.push_back({std::to_string(integer_field(entry, "id")), string_field(entry, "repo"),
                    short_commit(string_field(entry, "commit")), string_field(entry, "path"),
                    human_bytes(count_field(entry, "size")),
                    released ? "released: " + clipped(string_field(entry, "release_reason"), 60)
                             : clipped(string_field(entry, "reason"), kReasonWidth)});
  }
  return render_table({{"ID", true}, {"REPO"}, {"COMMIT"}, {"PATH"}, {"SIZE", true}, {"REASON"}},
                      rows);
}

// Polls a job until it ends; returns its last state.
AdminResponse wait_for_job(AdminClient& client, std::int64_t id) {
  for (;;) {
    AdminResponse response = client.get("/v1/jobs/" + std::to_string(id));
    if (!response.ok() ||
        is_final_state(string_field(object_field(response.body, "job"), "state"))) {
      return response;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

int keys_manifest(const Invocation& invocation) {
  AdminClient client(invocation.socket_path);
  const AdminResponse response = client.get("/v1/keys/manifest");
  if (!response.ok())
    return failure(response, invocation);
  if (invocation.arguments.json) {
    invocation.console.out << response.body.dump(2) << '\n';
  } else {
    invocation.console.out << string_field(response.body, "public_key");
  }
  return kExitOk;
}

}  // namespace

std::string show_text(const json& body) {
  const json& verdict = object_field(body, "verdict");
  const json& signature = object_field(verdict, "signature");
  const json& license = object_field(verdict, "license");
  const json& counts = object_field(verdict, "counts");
  const json& policy = object_field(verdict, "policy");
  const json& manifest = object_field(body, "manifest");
  std::string out = string_field(body, "kind") + " " + string_field(body, "repo") + " @ " +
                    string_field(body, "revision") + " (commit " +
                    short_commit(string_field(body, "commit")) + ")\n";
  out += "  published    " + std::to_string(count_field(body, "files")) + " files, " +
         human_bytes(count_field(body, "bytes")) + "\n";
  out += "  manifest     " +
         (manifest.value("signed", false)
              ? "signed by the mirror (key " + string_field(manifest, "key_id").substr(0, 16) + ")"
              : std::string("not signed")) +
         "\n";
  if (verdict.empty()) {
    return out + "  verdict      none recorded (published before admission control)\n";
  }
  out += "  decision     " + string_field(verdict, "decision") + "\n";
  out +=
      "  signature    " + string_field(signature, "status") +
      (string_field(signature, "method").empty() ? ""
                                                 : " (" + string_field(signature, "method") + ")") +
      (string_field(signature, "detail").empty() ? "" : ": " + string_field(signature, "detail")) +
      "\n";
  out += "  licence      " + joined(array_of(license, "ids")) + " (" +
         string_field(license, "source") + ")" +
         (license.value("allowed", true) ? "" : " NOT ALLOWED") + "\n";
  out += "  remote code  " + joined(array_of(verdict, "remote_code")) + "\n";
  out += "  policy       pickles=" + string_field(policy, "pickles") +
         " remote_code=" + string_field(policy, "remote_code") +
         " signature=" + string_field(policy, "signature") +
         " on_refusal=" + string_field(policy, "on_refusal") + "\n";
  out += "  files        " + std::to_string(count_field(counts, "admitted")) + " admitted, " +
         std::to_string(count_field(counts, "refused")) + " refused, " +
         std::to_string(count_field(counts, "released")) + " released, " +
         std::to_string(count_field(counts, "withheld")) + " withheld\n\n";
  return out + files_table(array_of(verdict, "files"));
}

int run_show_command(const Invocation& invocation) {
  const auto& operands = invocation.arguments.operands;
  if (operands.size() != 1) {
    return usage_error(invocation.console,
                       "show takes exactly one TARGET (a policy name or ORG/NAME)");
  }
  AdminClient client(invocation.socket_path);
  const AdminResponse response = client.get("/v1/show?target=" + query_escape(operands[0]));
  if (!response.ok())
    return failure(response, invocation);
  const bool snapshot = response.body.contains("commit");
  invocation.console.out << (invocation.arguments.json ? response.body.dump(2) + "\n"
                             : snapshot                ? show_text(response.body)
                                                       : refs_text(response.body))
                         << (invocation.arguments.json ? "" : protection_text(response.body));
  return kExitOk;
}

int run_quarantine_command(const Invocation& invocation) {
  const auto& operands = invocation.arguments.operands;
  const Console& console = invocation.console;
  AdminClient client(invocation.socket_path);
  if (!operands.empty() && operands[0] == "release") {
    if (operands.size() < 3) {
      return usage_error(console, "quarantine release takes an ID and a REASON (recorded with it)");
    }
    std::string reason;
    for (std::size_t i = 2; i < operands.size(); ++i)
      reason += (i > 2 ? " " : "") + operands[i];
    const AdminResponse response =
        client.post("/v1/quarantine/" + operands[1] + "/release", json{{"reason", reason}});
    if (!response.ok())
      return failure(response, invocation);
    const json& entry = object_field(response.body, "entry");
    console.out << (invocation.arguments.json ? response.body.dump(2) + "\n"
                                              : "released " + string_field(entry, "path") + " of " +
                                                    string_field(entry, "repo") + " (quarantine #" +
                                                    operands[1] + "): " + reason + "\n");
    return kExitOk;
  }
  const bool listing = operands.empty() || (operands[0] == "ls" && operands.size() <= 2);
  if (!listing || (operands.size() == 2 && operands[1] != "all")) {
    return usage_error(console,
                       "usage: mirrorctl quarantine ls [all] | quarantine release ID REASON");
  }
  const bool all = operands.size() == 2;
  const AdminResponse response = client.get(all ? "/v1/quarantine?all=1" : "/v1/quarantine");
  if (!response.ok())
    return failure(response, invocation);
  const json& entries = array_of(response.body, "quarantine");
  if (invocation.arguments.json) {
    console.out << response.body.dump(2) << '\n';
  } else if (entries.empty()) {
    console.out << (all ? "nothing was ever quarantined\n" : "the quarantine is empty\n");
  } else {
    console.out << quarantine_table(entries);
  }
  return kExitOk;
}

int run_verify_command(const Invocation& invocation) {
  const auto& operands = invocation.arguments.operands;
  if (operands.size() > 1) {
    return usage_error(invocation.console, "verify takes at most one TARGET");
  }
  AdminClient client(invocation.socket_path);
  const json body = operands.empty() ? json::object() : json{{"target", operands[0]}};
  const AdminResponse started = client.post("/v1/verify", body);
  if (!started.ok())
    return failure(started, invocation);
  const std::int64_t id = integer_field(object_field(started.body, "job"), "id");
  const AdminResponse finished = wait_for_job(client, id);
  if (!finished.ok())
    return failure(finished, invocation);
  const Job job = job_from_json(object_field(finished.body, "job"));
  if (invocation.arguments.json) {
    invocation.console.out << finished.body.dump(2) << '\n';
  } else if (job.state == "succeeded") {
    invocation.console.out << "verified " << job.files_done << " files ("
                           << human_bytes(job.bytes_done) << " re-hashed): no problem found\n";
  } else {
    invocation.console.err << "verify " << job.state << ": " << job.error << '\n';
  }
  return job.state == "succeeded" ? kExitOk : kExitFailed;
}

int run_keys_manifest_or(const Invocation& invocation, int (*fallback)(const Invocation&)) {
  const auto& operands = invocation.arguments.operands;
  if (operands.size() == 1 && operands[0] == "manifest") {
    return keys_manifest(invocation);
  }
  return fallback(invocation);
}

}  // namespace mirrord::cli
