// The `[[mirror]]` keys of source = "pypi", PypiTarget's key and ad-hoc "pypi:" targets.
#include <array>

#include "policies/entry_fields.hpp"

namespace mirrord {
namespace {

Status set_index(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.pypi.index, read_string(node, where));
  if (!policy.pypi.index.starts_with("https://") && !policy.pypi.index.starts_with("http://")) {
    return bad_value(where, "must be an http(s):// URL of a simple index");
  }
  return {};
}

Status set_projects(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.pypi.projects, read_string_list(node, where));
  return {};
}

constexpr std::array kPypiFields = {
    Field{"index", true, set_index},
    Field{"projects", true, set_projects},
};

}  // namespace

std::span<const Field> pypi_fields() { return kPypiFields; }

std::string PypiTarget::key(const std::string& policy_name) const { return "pypi:" + policy_name; }

Result<Policy> parse_adhoc_pypi_target(std::string_view target) {
  return make_error(ErrorCode::kInvalidInput,
                    "ad-hoc pypi targets are not available: " + std::string(target));
}

}  // namespace mirrord
