#include "daemon/web/client_snippets.hpp"

#include <algorithm>

namespace mirrord::web {
namespace {

// Characters that need no quoting in a shell word (repo ids, URLs, project names).
bool is_plain_word(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '/' || c == ':' || c == '@' || c == '+' || c == '=' ||
           c == ',';
  });
}

std::string word(const std::string& text) {
  return is_plain_word(text) ? text : shell_quote(text);
}

// A Python string literal, valid inside the single-quoted -c program below.
std::string python_literal(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\')
      out += '\\';
    if (c == '\'') {
      out += "\\x27";  // a quote would end the shell's single-quoted program
      continue;
    }
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

std::vector<std::string> hf_snippets(const std::string& base, const std::string& repo_type,
                                     const std::string& repo, const std::string& revision) {
  const bool dataset = repo_type == "dataset";
  std::string cli = "HF_ENDPOINT=" + base + " huggingface-cli download " + word(repo);
  if (dataset)
    cli += " --repo-type dataset";
  if (revision != "main")
    cli += " --revision " + word(revision);
  std::string python = "HF_ENDPOINT=" + base +
                       " python3 -c 'from huggingface_hub import snapshot_download; "
                       "print(snapshot_download(" +
                       python_literal(repo);
  if (dataset)
    python += ", repo_type=\"dataset\"";
  if (revision != "main")
    python += ", revision=" + python_literal(revision);
  python += "))'";
  return {cli, python};
}

std::vector<std::string> pypi_snippets(const std::string& base, const std::string& root,
                                       const std::string& project) {
  return {"pip install --index-url " + base + "/pypi/" + word(root) + "/simple/ " + word(project)};
}

std::vector<std::string> apt_snippets(const std::string& base, const std::string& archive,
                                      const std::string& suite,
                                      const std::vector<std::string>& components, bool resigned) {
  std::string line = "deb ";
  if (resigned)
    line += "[signed-by=/etc/apt/keyrings/mirrord.asc] ";
  line += base + "/apt/" + archive + " " + suite;
  for (const std::string& component : components)
    line += " " + component;
  std::vector<std::string> lines;
  if (resigned)
    lines.push_back("mirrorctl keys export > /etc/apt/keyrings/mirrord.asc");
  lines.push_back(line);
  return lines;
}

std::vector<std::string> git_snippets(const std::string& base, const std::string& name) {
  return {"git clone " + base + "/git/" + word(name)};
}

}  // namespace mirrord::web
