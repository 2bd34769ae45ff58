// The `[[mirror]]` keys of source = "apt" and AptTarget's key.
#include <array>

#include "policies/entry_fields.hpp"

namespace mirrord {
namespace {

Status set_url(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.apt.url, read_string(node, where));
  if (!policy.apt.url.starts_with("https://") && !policy.apt.url.starts_with("http://")) {
    return bad_value(where, "must be an http(s):// URL of an archive root");
  }
  return {};
}

Status set_suites(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.apt.suites, read_string_list(node, where));
  return {};
}

constexpr std::array kAptFields = {
    Field{"url", true, set_url},
    Field{"suites", true, set_suites},
};

}  // namespace

std::span<const Field> apt_fields() { return kAptFields; }

std::string AptTarget::key(const std::string& policy_name) const { return "apt:" + policy_name; }

}  // namespace mirrord
