#include "cli/protection_commands.hpp"

#include "cli/admin_client.hpp"
#include "cli/api_objects.hpp"
#include "cli/exit_codes.hpp"
#include "cli/failure_report.hpp"
#include "cli/format.hpp"

namespace mirrord::cli {
namespace {

using nlohmann::json;

int failure(const AdminResponse& response, const Invocation& invocation) {
  return report_failed_answer(response, invocation.socket_path, invocation.console,
                              AnswerSubject::kTarget);
}

const json& list_field(const json& body, const char* key) {
  static const json kEmpty = json::array();
  return body.contains(key) && body[key].is_array() ? body[key] : kEmpty;
}

std::string pin_label(const json& pin) {
  const bool ref = pin.contains("ref") && pin["ref"].is_boolean() && pin["ref"].get<bool>();
  return ref ? string_field(pin, "revision") + " (at " + short_commit(string_field(pin, "commit")) +
                   ")"
             : "commit " + short_commit(string_field(pin, "commit"));
}

std::string changes_table(const json& changes, bool with_repo) {
  std::vector<std::vector<std::string>> rows;
  for (const json& change : changes) {
    std::vector<std::string> row{utc_minute(integer_field(change, "recorded_at"))};
    if (with_repo) {
      row.push_back(string_field(change, "kind") + ":" + string_field(change, "repo"));
    }
    row.push_back(string_field(change, "change"));
    row.push_back(string_field(change, "detail"));
    rows.push_back(std::move(row));
  }
  std::vector<Column> columns{{"RECORDED (UTC)"}};
  if (with_repo)
    columns.push_back({"REPO"});
  columns.push_back({"CHANGE"});
  columns.push_back({"DETAIL"});
  return render_table(columns, rows);
}

// pin and unpin: {"target", "revision"?, "reason"?} to `path`.
int change_pin(const Invocation& invocation, const char* path, bool add) {
  const auto& operands = invocation.arguments.operands;
  if (operands.empty() || operands.size() > 2) {
    return usage_error(invocation.console,
                       std::string(add ? "pin" : "unpin") +
                           " takes a TARGET and, optionally, a REVISION (a ref or "
                           "a commit)");
  }
  json body{{"target", operands[0]}};
  if (operands.size() == 2)
    body["revision"] = operands[1];
  if (invocation.arguments.reason)
    body["reason"] = *invocation.arguments.reason;
  AdminClient client(invocation.socket_path);
  const AdminResponse response = client.post(path, body);
  if (!response.ok())
    return failure(response, invocation);
  const json& pin =
      response.body.contains("pin") ? response.body["pin"] : static_cast<const json&>(json());
  if (invocation.arguments.json) {
    invocation.console.out << response.body.dump(2) << '\n';
  } else {
    invocation.console.out << (add ? "pinned " : "unpinned ") << string_field(pin, "kind") << ":"
                           << string_field(pin, "repo") << " " << pin_label(pin) << '\n';
  }
  return kExitOk;
}

}  // namespace

int run_pin_command(const Invocation& invocation) {
  return change_pin(invocation, "/v1/pins", true);
}

int run_unpin_command(const Invocation& invocation) {
  return change_pin(invocation, "/v1/pins/remove", false);
}

int run_changes_command(const Invocation& invocation) {
  const auto& operands = invocation.arguments.operands;
  if (operands.size() > 1) {
    return usage_error(invocation.console, "changes takes at most one TARGET");
  }
  AdminClient client(invocation.socket_path);
  const AdminResponse response =
      client.get(operands.empty() ? std::string("/v1/changes")
                                  : "/v1/changes?target=" + query_escape(operands[0]));
  if (!response.ok())
    return failure(response, invocation);
  const json& changes = list_field(response.body, "changes");
  if (invocation.arguments.json) {
    invocation.console.out << response.body.dump(2) << '\n';
  } else if (changes.empty()) {
    invocation.console.out << "no upstream change recorded\n";
  } else {
    invocation.console.out << changes_table(changes, true);
  }
  return kExitOk;
}

std::string refs_text(const json& body) {
  std::string out = string_field(body, "kind") + " " + string_field(body, "repo") + "\n";
  for (const json& ref : list_field(body, "refs")) {
    out += "  ref          " + string_field(ref, "name") + " -> " +
           short_commit(string_field(ref, "commit")) + "\n";
  }
  return out;
}

std::string protection_text(const json& body) {
  const json& pins = list_field(body, "pins");
  const json& changes = list_field(body, "upstream_changes");
  if (!body.contains("pins") && !body.contains("upstream_changes"))
    return {};
  std::string out = "\npins:";
  if (pins.empty())
    out += " none\n";
  else
    out += "\n";
  for (const json& pin : pins) {
    const std::string reason = string_field(pin, "reason");
    out += "  " + pin_label(pin) + (reason.empty() ? "" : ": " + reason) + "\n";
  }
  out += "upstream changes:";
  return out +
         (changes.empty() ? std::string(" none recorded\n") : "\n" + changes_table(changes, false));
}

}  // namespace mirrord::cli
