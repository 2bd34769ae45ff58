// The `[[mirror]]` keys of source = "git" and ad-hoc "git:URL" targets.
#include <array>

#include "policies/entry_fields.hpp"

namespace mirrord {
namespace {

constexpr std::string_view kGitPrefix = "git:";

Status set_url(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.git.url, read_string(node, where));
  const std::string problem = git_url_problem(policy.git.url);
  return problem.empty() ? Status{} : bad_value(where, "'" + policy.git.url + "': " + problem);
}

Status set_refs(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.git.refs, read_string_list(node, where));
  return check_patterns(policy.git.refs, where);
}

Status set_allow_rewrite(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.git.allow_rewrite, read_bool(node, where));
  return {};
}

Status set_lfs(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.git.lfs, read_bool(node, where));
  return {};
}

Status set_lfs_url(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.git.lfs_url, read_string(node, where));
  if (!policy.git.lfs_url.starts_with("https://") && !policy.git.lfs_url.starts_with("http://")) {
    return bad_value(where, "must be an http(s):// URL of a Git LFS server (ending in /info/lfs)");
  }
  return {};
}

constexpr std::array kGitFields = {
    Field{"url", true, set_url},
    Field{"refs", false, set_refs},
    Field{"allow_rewrite", false, set_allow_rewrite},
    Field{"lfs", false, set_lfs},
    Field{"lfs_url", false, set_lfs_url},
};

}  // namespace

std::span<const Field> git_fields() {
  return kGitFields;
}

Result<Policy> parse_adhoc_git_target(std::string_view target) {
  if (!target.starts_with(kGitPrefix)) {
    return make_error(ErrorCode::kInvalidInput,
                      "invalid target '" + std::string(target) + "': expected git:URL");
  }
  const std::string_view url = target.substr(kGitPrefix.size());
  if (const std::string problem = git_url_problem(url); !problem.empty()) {
    return make_error(ErrorCode::kInvalidInput, "invalid target '" + std::string(target) +
                                                    "': " + problem + "; expected git:URL");
  }
  Policy policy;
  policy.name = std::string(target);
  policy.source = "git";
  policy.git.url = std::string(url);
  policy.git.name = git_mirror_name_for_url(url);
  if (policy.git.name.empty()) {
    return make_error(ErrorCode::kInvalidInput,
                      "cannot derive a mirror name from '" + std::string(url) +
                          "'; write a policy with source = \"git\" and a name instead");
  }
  return policy;
}

}  // namespace mirrord
