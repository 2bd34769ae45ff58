#include "cli/commands.hpp"

#include <array>

#include "cli/admin_client.hpp"
#include "cli/api_objects.hpp"
#include "cli/bundle_commands.hpp"
#include "cli/client_env.hpp"
#include "cli/completion.hpp"
#include "cli/exit_codes.hpp"
#include "cli/failure_report.hpp"
#include "cli/format.hpp"
#include "cli/help.hpp"
#include "cli/keys.hpp"
#include "cli/operations.hpp"
#include "cli/policy_commands.hpp"
#include "cli/protection_commands.hpp"
#include "cli/pull.hpp"
#include "cli/trust_commands.hpp"
#include "cli/upstreams.hpp"

#ifndef MIRRORD_VERSION
#error "MIRRORD_VERSION must be defined by the build (see cli/CMakeLists.txt)"
#endif

namespace mirrord::cli {
namespace {

// For commands other than pull: an answer that is not a 2xx JSON object.
int report_failure(const AdminResponse& response, const Invocation& invocation) {
  if (!response.reached) {
    invocation.console.err << unreachable_message(invocation.socket_path, response.failure) << '\n';
    return kExitUnreachable;
  }
  invocation.console.err << "error: " << describe_failure(response) << '\n';
  return kExitFailed;
}

const nlohmann::json& array_field(const nlohmann::json& body, const char* key) {
  static const nlohmann::json kEmpty = nlohmann::json::array();
  return body.contains(key) && body[key].is_array() ? body[key] : kEmpty;
}

int run_pull_command(const Invocation& invocation) {
  const Arguments& arguments = invocation.arguments;
  if (arguments.operands.size() != 1) {
    return usage_error(invocation.console,
                       "pull takes exactly one TARGET (a policy name, an alias, or hf:ORG/NAME)");
  }
  PullOptions options;
  options.target = arguments.operands[0];
  options.from = arguments.from.value_or("");
  options.json = arguments.json;
  options.show_progress = !arguments.no_progress;
  AdminClient client(invocation.socket_path);
  return run_pull(client, options, invocation.console);
}

std::string repos_table(const nlohmann::json& repos) {
  std::vector<std::vector<std::string>> rows;
  for (const nlohmann::json& object : repos) {
    const Repo repo = repo_from_json(object);
    rows.push_back({repo.kind, repo.repo, repo.ref, short_commit(repo.commit),
                    std::to_string(repo.files), human_bytes(repo.bytes),
                    repo.state + (repo.pinned ? ", pinned" : ""), utc_minute(repo.published_at)});
  }
  return render_table({{"KIND"},
                       {"REPO"},
                       {"REF"},
                       {"COMMIT"},
                       {"FILES", true},
                       {"SIZE", true},
                       {"STATE"},
                       {"SYNCED (UTC)"}},
                      rows);
}

int run_ls(const Invocation& invocation) {
  const Console& console = invocation.console;
  if (!invocation.arguments.operands.empty()) {
    return usage_error(console, "ls takes no operands");
  }
  AdminClient client(invocation.socket_path);
  const AdminResponse response = client.get("/v1/repos");
  if (!response.ok()) {
    return report_failure(response, invocation);
  }
  const nlohmann::json& repos = array_field(response.body, "repos");
  if (invocation.arguments.json) {
    console.out << response.body.dump(2) << '\n';
  } else if (repos.empty()) {
    console.out << "no repositories mirrored yet; mirror one with `mirrorctl pull TARGET`\n";
  } else {
    console.out << repos_table(repos);
  }
  return kExitOk;
}

std::string jobs_table(const nlohmann::json& jobs) {
  std::vector<std::vector<std::string>> rows;
  for (const nlohmann::json& object : jobs) {
    const Job job = job_from_json(object);
    rows.push_back({std::to_string(job.id), job.state, job.target,
                    std::to_string(job.files_done) + "/" + std::to_string(job.files_total),
                    human_bytes(job.bytes_done) + "/" + human_bytes(job.bytes_total)});
  }
  return render_table({{"ID", true}, {"STATE"}, {"TARGET"}, {"FILES", true}, {"BYTES", true}},
                      rows);
}

void print_status(const nlohmann::json& body, const std::string& socket, std::ostream& out) {
  const double uptime = body.contains("uptime_s") && body["uptime_s"].is_number()
                            ? body["uptime_s"].get<double>()
                            : -1;
  const auto shown = [](std::string text) { return text.empty() ? std::string("-") : text; };
  out << "mirrord " << shown(string_field(body, "version")) << ", up " << human_duration(uptime)
      << '\n'
      << "  listening on  " << shown(string_field(body, "listen")) << '\n'
      << "  public URL    " << shown(string_field(body, "public_url")) << '\n'
      << "  storage       " << shown(string_field(body, "storage_root")) << '\n'
      << "  admin socket  " << socket << '\n';
  if (const auto offline = body.find("offline"); offline != body.end() && *offline == true) {
    out << "  upstreams     OFFLINE: none is contacted; pulls and syncs fail at once\n";
  }
  const nlohmann::json& jobs = array_field(body, "jobs");
  if (jobs.empty()) {
    out << "no jobs queued or running\n";
  } else {
    out << jobs.size() << " job(s) queued or running:\n" << jobs_table(jobs);
  }
  if (const std::string schedules = schedules_text(array_field(body, "schedules"));
      !schedules.empty()) {
    out << "schedules:\n" << schedules;
  }
}

int run_status(const Invocation& invocation) {
  if (!invocation.arguments.operands.empty()) {
    return usage_error(invocation.console, "status takes no operands");
  }
  AdminClient client(invocation.socket_path);
  const AdminResponse response = client.get("/v1/status");
  if (!response.ok()) {
    return report_failure(response, invocation);
  }
  if (invocation.arguments.json) {
    invocation.console.out << response.body.dump(2) << '\n';
  } else {
    print_status(response.body, invocation.socket_path, invocation.console.out);
  }
  return kExitOk;
}

// {"mirrorctl": V, "mirrord": V or null, "socket": PATH, "error": why mirrord did not answer}
nlohmann::json version_json(const AdminResponse& response, const std::string& socket) {
  nlohmann::json object{{"mirrorctl", MIRRORD_VERSION}, {"mirrord", nullptr}, {"socket", socket}};
  if (response.ok()) {
    object["mirrord"] = string_field(response.body, "version");
  } else {
    object["error"] = describe_failure(response);
  }
  return object;
}

// The client's version always; the daemon's when it answers (a version check should work
// while the daemon is down, so an unreachable daemon is reported, not an error).
int run_version(const Invocation& invocation) {
  if (!invocation.arguments.operands.empty()) {
    return usage_error(invocation.console, "version takes no operands");
  }
  std::ostream& out = invocation.console.out;
  AdminClient client(invocation.socket_path);
  const AdminResponse response = client.get("/v1/status");
  if (invocation.arguments.json) {
    out << version_json(response, invocation.socket_path).dump(2) << '\n';
    return kExitOk;
  }
  out << "mirrorctl " << MIRRORD_VERSION << '\n';
  if (response.ok()) {
    out << "mirrord " << string_field(response.body, "version") << " (at " << invocation.socket_path
        << ")\n";
  } else {
    out << "mirrord: not reachable at " << invocation.socket_path << " ("
        << describe_failure(response) << ")\n";
  }
  return kExitOk;
}

// `keys manifest` (the trust commands) and `keys export` (the apt key) share one command.
int run_keys(const Invocation& invocation) {
  return run_keys_manifest_or(invocation, run_keys_command);
}

constexpr std::array kCommands = {
    Command{"help", "[COMMAND] [--json]", "show this help, or the usage of COMMAND", kTakesJson,
            run_help_command},
    Command{"pull", "TARGET [--from PEER] [--json] [--no-progress]",
            "mirror TARGET (from another mirror with --from); wait until every file is verified "
            "and published",
            kTakesJson | kTakesNoProgress | kCompletesTarget | kTakesFrom, run_pull_command},
    Command{"ls", "[--json]", "list mirrored repositories", kTakesJson, run_ls},
    Command{"status", "[--json]", "show mirrord's version, uptime, addresses and running jobs",
            kTakesJson, run_status},
    Command{"version", "[--json]", "show the versions of mirrorctl and mirrord", kTakesJson,
            run_version},
    Command{"keys", "export|manifest [--json]",
            "print a public key of the mirror: export (apt signed-by for re-signed suites) or "
            "manifest (checks the signed snapshot manifests; created if missing)",
            kTakesJson, run_keys, "export manifest"},
    Command{"show", "TARGET [--json]", "show a mirrored repo's snapshot and its admission verdict",
            kTakesJson | kCompletesTarget, run_show_command},
    Command{"quarantine", "ls [all] | release ID REASON... [--json]",
            "list refused files held for inspection, or publish one with a recorded reason",
            kTakesJson, run_quarantine_command, "ls release"},
    Command{"verify", "[TARGET] [--json]",
            "re-hash stored blobs and check the signed manifests (all repos, or TARGET's)",
            kTakesJson | kCompletesTarget, run_verify_command},
    Command{"policy", "check FILE|DIR... | ls | names [--json]",
            "check policy files offline (file:line of each error, the entries found); list the "
            "daemon's policies, or only their names and aliases",
            kTakesJson | kCompletesFiles, run_policy_command, "check ls names"},
    Command{"env", "TARGET [--public-url URL] [--json]",
            "print the client settings that use the mirror for TARGET (HF_ENDPOINT, pip/uv "
            "index, apt sources, git clone URL)",
            kTakesJson | kTakesPublicUrl | kCompletesTarget, run_env_command},
    Command{"completion", "bash|zsh",
            "print a shell completion script: source <(mirrorctl completion bash)", kNoFlags,
            run_completion_command, "bash zsh"},
    Command{"sync", "[TARGET] [--json] [--no-progress]",
            "sync TARGET now, or every scheduled target; wait like pull",
            kTakesJson | kTakesNoProgress | kCompletesTarget, run_sync_command},
    Command{"gc", "[--dry-run] [--json]",
            "unpublish snapshots beyond each policy's keep, then remove unreferenced blobs",
            kTakesJson | kTakesDryRun, run_gc_command},
    Command{"upstreams", "[--json]",
            "show each upstream's requests, failures and latency since mirrord started", kTakesJson,
            run_upstreams_command},
    Command{"pin", "TARGET [REVISION] [--reason TEXT] [--json]",
            "keep a snapshot (a ref, or a commit) from retention and GC; a pinned ref is not "
            "moved by later pulls",
            kTakesJson | kTakesReason | kCompletesTarget, run_pin_command},
    Command{"unpin", "TARGET [REVISION] [--json]", "remove a pin made with `mirrorctl pin`",
            kTakesJson | kCompletesTarget, run_unpin_command},
    Command{"changes", "[TARGET] [--json]",
            "list what upstreams changed that the mirror did not follow (deleted repos, moved "
            "tags, rewritten branches, replaced files, rolled-back releases), newest first",
            kTakesJson | kCompletesTarget, run_changes_command},
    Command{"export", "TARGET... --to FILE|DIR [--since BUNDLE] [--json]",
            "write TARGETs' snapshots and blobs into a signed bundle for an air-gapped mirror",
            kTakesJson | kTakesBundleTo | kCompletesTarget, run_export_command},
    Command{"import", "FILE|DIR [--key PEM] [--json]",
            "verify a bundle against pinned keys and publish what it holds",
            kTakesJson | kTakesKey | kCompletesFiles, run_import_command},
};

std::string flag_problem(const Arguments& arguments, const Command& command) {
  if (arguments.json && (command.flags & kTakesJson) == 0) {
    return std::string(command.name) + " does not take --json";
  }
  if (arguments.no_progress && (command.flags & kTakesNoProgress) == 0) {
    return std::string(command.name) + " does not take --no-progress";
  }
  if (arguments.public_url && (command.flags & kTakesPublicUrl) == 0) {
    return std::string(command.name) + " does not take --public-url";
  }
  if (arguments.dry_run && (command.flags & kTakesDryRun) == 0) {
    return std::string(command.name) + " does not take --dry-run";
  }
  if (arguments.reason && (command.flags & kTakesReason) == 0) {
    return std::string(command.name) + " does not take --reason";
  }
  if (arguments.from && (command.flags & kTakesFrom) == 0) {
    return std::string(command.name) + " does not take --from";
  }
  if ((arguments.to || arguments.since) && (command.flags & kTakesBundleTo) == 0) {
    return std::string(command.name) + " does not take --to or --since";
  }
  if (arguments.key && (command.flags & kTakesKey) == 0) {
    return std::string(command.name) + " does not take --key";
  }
  return {};
}

}  // namespace

std::span<const Command> command_table() {
  return kCommands;
}

const Command* find_command(std::string_view name) {
  for (const Command& command : kCommands) {
    if (command.name == name) {
      return &command;
    }
  }
  return nullptr;
}

namespace {

// The options part of the help, from option_docs().
std::string options_text() {
  std::vector<std::vector<std::string>> rows;
  for (const OptionDoc& doc : option_docs()) {
    const std::string metavar(doc.metavar);
    rows.push_back({"  " + std::string(doc.name) + (metavar.empty() ? "" : " " + metavar),
                    std::string(doc.text)});
  }
  const std::string table = render_table({{""}, {""}}, rows);
  return table.substr(table.find('\n') + 1);
}

}  // namespace

std::string help_text() {
  std::vector<std::vector<std::string>> commands;
  for (const Command& command : kCommands) {
    const std::string synopsis(command.synopsis);
    commands.push_back({"  " + std::string(command.name) + (synopsis.empty() ? "" : " " + synopsis),
                        std::string(command.summary)});
  }
  std::vector<std::vector<std::string>> codes;
  for (const ExitCodeDoc& doc : kExitCodeTable) {
    codes.push_back({"  " + std::to_string(doc.code), std::string(doc.meaning)});
  }
  const std::string commands_table = render_table({{""}, {""}}, commands);
  const std::string codes_table = render_table({{""}, {""}}, codes);
  // render_table's first line is the (empty) header row; drop it.
  return "mirrorctl: the command-line client of mirrord, the model mirror\n\n"
         "usage: mirrorctl [--socket PATH] COMMAND [OPERANDS] [FLAGS]\n\n"
         "commands:\n" +
         commands_table.substr(commands_table.find('\n') + 1) +
         "\nTARGET is a policy name or alias (qwen, deepseek, kimi, glm, k2-think, ...), or\n"
         "hf:ORG/NAME[@REVISION] or hf:datasets/ORG/NAME[@REVISION] for a repository without a\n"
         "policy (also pypi:NAME and git:URL).\n"
         "\nflags (before or after the command; `mirrorctl help COMMAND` lists a command's):\n" +
         options_text() + "  (--socket default: $" + std::string(kSocketEnvVar) + ", else " +
         std::string(kDefaultAdminSocket) + ")\n" + "\nexit codes:\n" +
         codes_table.substr(codes_table.find('\n') + 1);
}

int dispatch(const std::vector<std::string>& args, const char* socket_env, const Console& console) {
  const ParsedArguments parsed = parse_arguments(args);
  if (!parsed.error.empty()) {
    return usage_error(console, parsed.error);
  }
  const Arguments& arguments = parsed.arguments;
  if (arguments.command.empty() && !arguments.help) {
    console.err << help_text();
    return kExitUsage;
  }
  const Command* command = find_command(arguments.command);
  if (arguments.help) {
    console.out << (command != nullptr ? command_help_text(*command) : help_text());
    return kExitOk;
  }
  if (command == nullptr) {
    return usage_error(console, unknown_command_message(arguments.command));
  }
  if (const std::string problem = flag_problem(arguments, *command); !problem.empty()) {
    return usage_error(console, problem);
  }
  const Invocation invocation{arguments, resolve_socket_path(arguments.socket, socket_env),
                              console};
  return command->run(invocation);
}

}  // namespace mirrord::cli
