#include "cli/client_env.hpp"

#include "cli/admin_client.hpp"
#include "cli/api_objects.hpp"
#include "cli/exit_codes.hpp"
#include "cli/failure_report.hpp"

namespace mirrord::cli {
namespace {

using nlohmann::json;

// Where README tells apt clients to put the mirror's key for re-signed suites.
constexpr std::string_view kMirrorKeyPath = "/etc/apt/keyrings/mirrord.asc";

// Single-quotes `text` for a POSIX shell unless it needs no quoting.
std::string shell_quote(const std::string& text) {
  const bool plain = !text.empty() && text.find_first_not_of(
                                          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                          "0123456789-_./:=@%+,") == std::string::npos;
  if (plain) {
    return text;
  }
  std::string quoted = "'";
  for (const char c : text) {
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return quoted + "'";
}

std::vector<std::string> strings_at(const json& object, const char* key) {
  std::vector<std::string> out;
  if (object.contains(key) && object[key].is_array()) {
    for (const json& item : object[key]) {
      if (item.is_string()) {
        out.push_back(item.get<std::string>());
      }
    }
  }
  return out;
}

std::string joined(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (const std::string& item : items) {
    out += (out.empty() ? "" : separator) + item;
  }
  return out;
}

// "mirror.example" for "http://mirror.example:8080/prefix" (pip's trusted-host matches any port
// of a bare host).
std::string url_host(const std::string& url) {
  std::string rest = url.substr(url.find("://") == std::string::npos ? 0 : url.find("://") + 3);
  rest = rest.substr(0, rest.find('/'));
  if (rest.starts_with("[")) {
    return rest.substr(0, rest.find(']') + 1);
  }
  return rest.substr(0, rest.find(':'));
}

void add_hf(ClientSetup& setup, const json& hf) {
  const std::string repo = string_field(hf, "repo");
  const std::string revision = string_field(hf, "revision");
  const bool dataset = string_field(hf, "repo_type") == "dataset";
  const bool main = revision.empty() || revision == "main";
  setup.env.emplace_back("HF_ENDPOINT", setup.public_url);
  setup.commands.push_back(
      {"download with the hf CLI (`huggingface-cli download` before huggingface_hub 0.34)",
       "hf download " + std::string(dataset ? "--repo-type dataset " : "") + repo +
           (main ? "" : " --revision " + shell_quote(revision))});
  setup.commands.push_back(
      {"or from Python (huggingface_hub, transformers, ... read HF_ENDPOINT at import)",
       "python3 -c 'from huggingface_hub import snapshot_download; print(snapshot_download(\"" +
           repo + "\"" + (dataset ? ", repo_type=\"dataset\"" : "") +
           (main ? "" : ", revision=\"" + revision + "\"") + "))'"});
  setup.commands.push_back({"or clone it with git (the weights through git-lfs)",
                            "git lfs install && git clone " + setup.url});
}

void add_pypi(ClientSetup& setup, const json& pypi) {
  const std::vector<std::string> projects = strings_at(pypi, "projects");
  const std::string project = projects.empty() ? "PROJECT" : projects.front();
  const std::string root = string_field(pypi, "root");
  const bool plain_http = setup.url.starts_with("http://");
  const std::string host = url_host(setup.url);
  setup.env.emplace_back("PIP_INDEX_URL", setup.url);
  if (plain_http) {  // pip refuses a plain-HTTP index on other hosts than loopback without it
    setup.env.emplace_back("PIP_TRUSTED_HOST", host);
  }
  setup.env.emplace_back("UV_DEFAULT_INDEX", setup.url);
  const std::string trusted = plain_http ? " --trusted-host " + shell_quote(host) : "";
  setup.commands.push_back(
      {"pip, one command", "pip install --index-url " + setup.url + trusted + " " + project});
  setup.commands.push_back(
      {"pip, download only", "pip download --index-url " + setup.url + trusted + " " + project});
  setup.commands.push_back(
      {"uv reads UV_DEFAULT_INDEX (before uv 0.4.23: UV_INDEX_URL)", "uv pip install " + project});
  setup.files.push_back({"~/.config/pip/pip.conf", "pip configuration (or /etc/pip.conf)",
                         "[global]\nindex-url = " + setup.url + "\n" +
                             (plain_http ? "trusted-host = " + host + "\n" : "")});
  setup.files.push_back({"pyproject.toml",
                         "uv, this index for chosen projects (in uv.toml: [[index]])",
                         "[[tool.uv.index]]\nname = \"" + root + "\"\nurl = \"" + setup.url +
                             "\"\nexplicit = true\n\n[tool.uv.sources]\n" + project +
                             " = { index = \"" + root + "\" }\n"});
}

void add_apt(ClientSetup& setup, const json& apt) {
  const std::vector<std::string> suites = strings_at(apt, "suites");
  const std::string components = joined(strings_at(apt, "components"), " ");
  std::vector<std::string> keyrings{string_field(apt, "keyring")};
  if (string_field(apt, "mode") == "resign") {
    keyrings.emplace_back(kMirrorKeyPath);
    setup.commands.push_back({"the suites are re-signed by the mirror: install its key first",
                              "mirrorctl keys export > " + std::string(kMirrorKeyPath)});
  }
  std::string lines;
  for (const std::string& suite : suites) {
    lines += "deb [signed-by=" + joined(keyrings, ",") + "] " + setup.url + " " + suite + " " +
             components + "\n";
  }
  setup.files.push_back({"/etc/apt/sources.list.d/" + setup.policy + ".list",
                         "one-line sources (or the deb822 file below, not both)", lines});
  setup.files.push_back({"/etc/apt/sources.list.d/" + setup.policy + ".sources", "deb822 sources",
                         "Types: deb\nURIs: " + setup.url + "\nSuites: " + joined(suites, " ") +
                             "\nComponents: " + components +
                             "\nSigned-By: " + joined(keyrings, " ") + "\n"});
  setup.commands.push_back({"then", "apt-get update"});
}

void add_git(ClientSetup& setup, const json& git) {
  const bool lfs = git.value("lfs", false);
  setup.commands.push_back(
      {lfs ? "clone (run `git lfs install` once per user for the LFS files)" : "clone",
       std::string(lfs ? "git lfs install && " : "") + "git clone " + setup.url});
}

std::string commented(const std::string& content) {
  std::string out;
  std::size_t start = 0;
  while (start < content.size()) {
    const std::size_t end = content.find('\n', start);
    out += "#   " + content.substr(start, end - start) + "\n";
    start = end == std::string::npos ? content.size() : end + 1;
  }
  return out;
}

int usage(const Console& console, const std::string& message) {
  console.err << "error: " << message
              << "\nusage: mirrorctl env TARGET [--public-url URL] [--json]\n";
  return kExitUsage;
}

// --public-url, else the daemon's public_url; "" after printing why there is none.
std::string public_url_for(const Invocation& invocation, AdminClient& client, int& exit_code) {
  std::string url = invocation.arguments.public_url.value_or("");
  if (url.empty()) {
    const AdminResponse status = client.get("/v1/status");
    if (!status.ok()) {
      exit_code = report_failed_answer(status, invocation.socket_path, invocation.console,
                                       AnswerSubject::kResource);
      return {};
    }
    url = string_field(status.body, "public_url");
  }
  if (!url.starts_with("http://") && !url.starts_with("https://")) {
    invocation.console.err << "error: the public URL '" << url
                           << "' is not an http:// or https:// URL; pass --public-url URL\n";
    exit_code = invocation.arguments.public_url ? kExitUsage : kExitFailed;
    return {};
  }
  while (url.ends_with('/')) {
    url.pop_back();
  }
  return url;
}

}  // namespace

ClientSetup client_setup(const std::string& target, const json& answer,
                         const std::string& public_url) {
  const json& policy = answer.contains("policy") ? answer["policy"] : json::object();
  ClientSetup setup;
  setup.target = target;
  setup.policy = string_field(policy, "name");
  setup.source = string_field(policy, "source");
  setup.public_url = public_url;
  setup.url = public_url + string_field(answer, "path");
  const json& details = policy.contains(setup.source) ? policy[setup.source] : json::object();
  if (setup.source == "pypi") {
    add_pypi(setup, details);
  } else if (setup.source == "apt") {
    add_apt(setup, details);
  } else if (setup.source == "git") {
    add_git(setup, details);
  } else {
    add_hf(setup, details);
  }
  return setup;
}

std::string client_setup_text(const ClientSetup& setup) {
  std::string text = "# " + setup.target + ": " + setup.source + " policy " + setup.policy +
                     ", served at " + setup.url + "\n";
  for (const auto& [name, value] : setup.env) {
    text += "export " + name + "=" + shell_quote(value) + "\n";
  }
  for (const ClientCommand& command : setup.commands) {
    text += "# " + command.comment + ":\n#   " + command.command + "\n";
  }
  for (const ClientFile& file : setup.files) {
    text += "# " + file.comment + ", " + file.path + ":\n" + commented(file.content);
  }
  return text;
}

json client_setup_json(const ClientSetup& setup) {
  json env = json::object();
  for (const auto& [name, value] : setup.env) {
    env[name] = value;
  }
  json commands = json::array();
  for (const ClientCommand& command : setup.commands) {
    commands.push_back({{"comment", command.comment}, {"command", command.command}});
  }
  json files = json::array();
  for (const ClientFile& file : setup.files) {
    files.push_back({{"path", file.path}, {"comment", file.comment}, {"content", file.content}});
  }
  return {{"target", setup.target},         {"policy", setup.policy}, {"source", setup.source},
          {"public_url", setup.public_url}, {"url", setup.url},       {"env", env},
          {"commands", commands},           {"files", files}};
}

int run_env_command(const Invocation& invocation) {
  const auto& operands = invocation.arguments.operands;
  if (operands.size() != 1) {
    return usage(invocation.console, "env takes exactly one TARGET");
  }
  AdminClient client(invocation.socket_path);
  const AdminResponse resolved = client.get("/v1/policy?target=" + query_escape(operands[0]));
  if (!resolved.ok()) {
    return report_failed_answer(resolved, invocation.socket_path, invocation.console,
                                AnswerSubject::kTarget);
  }
  int exit_code = kExitOk;
  const std::string public_url = public_url_for(invocation, client, exit_code);
  if (public_url.empty()) {
    return exit_code;
  }
  const ClientSetup setup = client_setup(operands[0], resolved.body, public_url);
  invocation.console.out << (invocation.arguments.json ? client_setup_json(setup).dump(2) + "\n"
                                                       : client_setup_text(setup));
  return kExitOk;
}

}  // namespace mirrord::cli
