// The `[[mirror]]` keys of source = "hf".
#include <array>

#include "policies/entry_fields.hpp"
#include "policies/identifiers.hpp"

namespace mirrord {
namespace {

Status set_repo(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.hf.repo, read_string(node, where));
  const std::string problem = repo_id_problem(policy.hf.repo);
  return problem.empty() ? Status{} : bad_value(where, "'" + policy.hf.repo + "': " + problem);
}

Status set_repo_type(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.hf.repo_type, read_string(node, where));
  if (policy.hf.repo_type != "model" && policy.hf.repo_type != "dataset") {
    return bad_value(where, "is '" + policy.hf.repo_type + "'; expected \"model\" or \"dataset\"");
  }
  return {};
}

Status set_revision(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.hf.revision, read_string(node, where));
  const std::string problem = revision_problem(policy.hf.revision);
  return problem.empty() ? Status{} : bad_value(where, problem);
}

Status set_include(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.hf.include, read_string_list(node, where));
  return check_patterns(policy.hf.include, where);
}

Status set_exclude(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.hf.exclude, read_string_list(node, where));
  return check_patterns(policy.hf.exclude, where);
}

constexpr std::array kHfFields = {
    Field{"repo", true, set_repo},
    Field{"repo_type", false, set_repo_type},
    Field{"revision", false, set_revision},
    Field{"include", false, set_include},
    Field{"exclude", false, set_exclude},
};

}  // namespace

std::span<const Field> hf_fields() { return kHfFields; }

}  // namespace mirrord
