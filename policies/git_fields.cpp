// The `[[mirror]]` keys of source = "git", GitTarget's key and ad-hoc "git:" targets.
#include <array>

#include "policies/entry_fields.hpp"

namespace mirrord {
namespace {

Status set_url(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.git.url, read_string(node, where));
  return {};
}

Status set_refs(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.git.refs, read_string_list(node, where));
  return {};
}

constexpr std::array kGitFields = {
    Field{"url", true, set_url},
    Field{"refs", false, set_refs},
};

}  // namespace

std::span<const Field> git_fields() { return kGitFields; }

std::string GitTarget::key(const std::string& policy_name) const { return "git:" + policy_name; }

Result<Policy> parse_adhoc_git_target(std::string_view target) {
  return make_error(ErrorCode::kInvalidInput,
                    "ad-hoc git targets are not available: " + std::string(target));
}

}  // namespace mirrord
