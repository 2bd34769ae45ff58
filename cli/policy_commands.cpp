#include "cli/policy_commands.hpp"

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "cli/admin_client.hpp"
#include "cli/api_objects.hpp"
#include "cli/exit_codes.hpp"
#include "cli/failure_report.hpp"
#include "cli/format.hpp"
#include "policies/policy.hpp"
#include "policies/policy_description.hpp"

namespace mirrord::cli {
namespace {

using nlohmann::json;

constexpr std::string_view kUsage =
    "usage: mirrorctl policy check FILE|DIR... | policy ls | policy names";

struct FileCheck {
  std::string file;
  std::vector<Policy> policies;
  std::string error;  // the library's message, with file:line; empty when the file is valid
};

struct CheckReport {
  std::vector<FileCheck> files;
  std::string conflict;  // a name or alias defined in two of the files
  bool ok() const {
    return conflict.empty() && std::all_of(files.begin(), files.end(),
                                           [](const FileCheck& f) { return f.error.empty(); });
  }
};

// The operands with each directory replaced by its *.toml files, sorted, as the daemon reads a
// policy directory.
std::vector<std::string> expand_directories(const std::vector<std::string>& operands) {
  std::vector<std::string> files;
  for (const std::string& operand : operands) {
    std::error_code ec;
    if (!std::filesystem::is_directory(operand, ec)) {
      files.push_back(operand);
      continue;
    }
    std::vector<std::string> inside;
    for (const auto& entry : std::filesystem::directory_iterator(operand, ec)) {
      if (entry.path().extension() == ".toml") {
        inside.push_back(entry.path().string());
      }
    }
    std::sort(inside.begin(), inside.end());
    files.insert(files.end(), inside.begin(), inside.end());
  }
  return files;
}

CheckReport check_files(const std::vector<std::string>& files) {
  CheckReport report;
  std::vector<Policy> all;
  for (const std::string& file : expand_directories(files)) {
    FileCheck check{file, {}, {}};
    if (auto parsed = PolicySet::parse_file(file)) {
      check.policies = std::move(*parsed);
      all.insert(all.end(), check.policies.begin(), check.policies.end());
    } else {
      check.error = parsed.error().message;
    }
    report.files.push_back(std::move(check));
  }
  // The daemon loads a directory's files together: a name used in two of them fails the load.
  if (const Status unique = check_unique_policy_names(all); !unique) {
    report.conflict = unique.error().message;
  }
  return report;
}

json report_json(const CheckReport& report) {
  json files = json::array();
  for (const FileCheck& check : report.files) {
    json policies = json::array();
    for (const Policy& policy : check.policies) {
      policies.push_back(describe_policy(policy));
    }
    files.push_back({{"file", check.file},
                     {"ok", check.error.empty()},
                     {"error", check.error},
                     {"policies", policies}});
  }
  return {{"ok", report.ok()}, {"files", files}, {"conflict", report.conflict}};
}

std::string entries_table(const CheckReport& report) {
  std::vector<std::vector<std::string>> rows;
  for (const FileCheck& check : report.files) {
    for (const Policy& policy : check.policies) {
      rows.push_back({policy.name, policy.source, upstream_summary(policy),
                      policy.file.string() + ":" + std::to_string(policy.line)});
    }
  }
  return render_table({{"NAME"}, {"SOURCE"}, {"UPSTREAM"}, {"DEFINED AT"}}, rows);
}

void print_report(const CheckReport& report, const Console& console) {
  std::size_t entries = 0;
  std::size_t bad_files = 0;
  for (const FileCheck& check : report.files) {
    entries += check.policies.size();
    if (!check.error.empty()) {
      ++bad_files;
      console.err << "error: " << check.error << '\n';
    }
  }
  if (!report.conflict.empty()) {
    console.err << "error: " << report.conflict << '\n';
  }
  if (!report.ok()) {
    console.err << (bad_files > 0 ? std::to_string(bad_files) + " of " +
                                        std::to_string(report.files.size()) + " file(s) invalid"
                                  : std::string("the files conflict"))
                << "; mirrord would refuse to start with them\n";
    return;
  }
  console.out << entries << " entr" << (entries == 1 ? "y" : "ies") << " in " << report.files.size()
              << " file(s), all valid\n";
  if (entries > 0) {
    console.out << entries_table(report);
  }
}

int run_check(const Invocation& invocation) {
  const auto& operands = invocation.arguments.operands;
  if (operands.size() < 2) {
    invocation.console.err << "error: policy check needs at least one FILE\n" << kUsage << '\n';
    return kExitUsage;
  }
  const CheckReport report = check_files({operands.begin() + 1, operands.end()});
  if (invocation.arguments.json) {
    invocation.console.out << report_json(report).dump(2) << '\n';
  } else {
    print_report(report, invocation.console);
  }
  return report.ok() ? kExitOk : kExitFailed;
}

std::string joined(const json& items) {
  std::string out;
  for (const json& item : items) {
    if (item.is_string()) {
      out += (out.empty() ? "" : ", ") + item.get<std::string>();
    }
  }
  return out.empty() ? "-" : out;
}

// The names and aliases of the daemon's policies, sorted.
std::vector<std::string> spellings(const json& policies) {
  std::vector<std::string> names;
  for (const json& policy : policies) {
    names.push_back(string_field(policy, "name"));
    for (const json& alias : policy.value("aliases", json::array())) {
      if (alias.is_string()) {
        names.push_back(alias.get<std::string>());
      }
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

void print_policies(const json& policies, bool names_only, const Console& console) {
  if (names_only) {
    for (const std::string& name : spellings(policies)) {
      console.out << name << '\n';
    }
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const json& policy : policies) {
    rows.push_back({string_field(policy, "name"), joined(policy.value("aliases", json::array())),
                    string_field(policy, "source"), string_field(policy, "upstream")});
  }
  console.out << render_table({{"NAME"}, {"ALIASES"}, {"SOURCE"}, {"UPSTREAM"}}, rows);
}

int run_listing(const Invocation& invocation, bool names_only) {
  const Console& console = invocation.console;
  if (invocation.arguments.operands.size() != 1) {
    console.err << "error: policy " << invocation.arguments.operands[0] << " takes no operands\n"
                << kUsage << '\n';
    return kExitUsage;
  }
  AdminClient client(invocation.socket_path);
  const AdminResponse response = client.get("/v1/policies");
  if (!response.ok()) {
    return report_failed_answer(response, invocation.socket_path, console,
                                AnswerSubject::kResource);
  }
  const json policies = response.body.value("policies", json::array());
  if (invocation.arguments.json) {
    console.out << (names_only ? json(spellings(policies)) : response.body).dump(2) << '\n';
  } else {
    print_policies(policies, names_only, console);
  }
  return kExitOk;
}

}  // namespace

int run_policy_command(const Invocation& invocation) {
  const auto& operands = invocation.arguments.operands;
  const std::string subcommand = operands.empty() ? "" : operands[0];
  if (subcommand == "check") {
    return run_check(invocation);
  }
  if (subcommand == "ls" || subcommand == "names") {
    return run_listing(invocation, subcommand == "names");
  }
  invocation.console.err << "error: "
                         << (subcommand.empty() ? "policy needs a subcommand"
                                                : "unknown policy subcommand '" + subcommand + "'")
                         << '\n'
                         << kUsage << '\n';
  return kExitUsage;
}

}  // namespace mirrord::cli
