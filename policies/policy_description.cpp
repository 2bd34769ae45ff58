#include "policies/policy_description.hpp"

namespace mirrord {
namespace {

using nlohmann::json;

std::string joined(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (const std::string& item : items) {
    out += (out.empty() ? "" : separator) + item;
  }
  return out;
}

json source_object(const Policy& policy) {
  if (policy.source == "pypi") {
    return {{"index", policy.pypi.index},
            {"indexes", policy.pypi.all_indexes()},
            {"projects", policy.pypi.projects},
            {"versions", policy.pypi.versions},
            {"root", policy.pypi.root_name(policy.name)}};
  }
  if (policy.source == "apt") {
    return {{"url", policy.apt.url},
            {"urls", policy.apt.all_urls()},
            {"suites", policy.apt.suites},
            {"components", policy.apt.components},
            {"architectures", policy.apt.architectures},
            {"keyring", policy.apt.keyring.string()},
            {"mode", to_string(policy.apt.mode)}};
  }
  if (policy.source == "git") {
    return {{"url", policy.git.url},
            {"refs", policy.git.refs},
            {"lfs", policy.git.lfs},
            {"mirror_name", policy.git.mirror_name(policy.name)}};
  }
  return {{"repo", policy.hf.repo},
          {"repo_type", policy.hf.repo_type},
          {"revision", policy.hf.revision},
          {"include", policy.hf.include},
          {"exclude", policy.hf.exclude}};
}

}  // namespace

std::string upstream_summary(const Policy& policy) {
  if (policy.source == "pypi") {
    const std::string index =
        policy.pypi.index.empty() ? "[upstream.pypi] index" : policy.pypi.index;
    return index + ": " + joined(policy.pypi.projects, ", ");
  }
  if (policy.source == "apt") {
    return policy.apt.url + " " + joined(policy.apt.suites, " ");
  }
  if (policy.source == "git") {
    return policy.git.url;
  }
  const std::string prefix = policy.hf.repo_type == "dataset" ? "datasets/" : "";
  return prefix + policy.hf.repo + "@" + policy.hf.revision;
}

json describe_policy(const Policy& policy) {
  json object{{"name", policy.name},
              {"aliases", policy.aliases},
              {"source", policy.source},
              {"file", policy.file.string()},
              {"line", policy.line},
              {"key", policy.key()},
              {"upstream", upstream_summary(policy)}};
  object[policy.source] = source_object(policy);
  if (!policy.upstream_peer.empty()) {
    object["peer"] = policy.upstream_peer;  // pulled from [peers.NAME], not from `upstream`
  }
  return object;
}

}  // namespace mirrord
