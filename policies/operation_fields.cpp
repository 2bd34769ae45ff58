// The operations keys of every `[[mirror]]` entry (policies/operations.hpp).
#include <array>

#include "policies/entry_fields.hpp"
#include "policies/identifiers.hpp"

namespace mirrord {
namespace {

Status set_schedule(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(const std::string text, read_string(node, where));
  auto schedule = Schedule::parse(text);
  if (!schedule) {
    return bad_value(where, "'" + text + "' " + schedule.error().message);
  }
  policy.ops.schedule = std::move(*schedule);
  return {};
}

Status set_keep(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.ops.keep, read_integer(node, where));
  if (policy.ops.keep < 0) {
    return bad_value(where, "must be 0 (keep everything) or a positive number of snapshots");
  }
  return {};
}

// A pin names a ref (a tag or branch) or a commit (in full or by a prefix of at least 7 hex).
Status set_pin(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.ops.pins, read_string_list(node, where));
  for (const std::string& pin : policy.ops.pins) {
    if (pin.empty() || pin.find_first_of(" \t\n") != std::string::npos) {
      return bad_value(where, "entry '" + pin + "' must be a ref name or a commit");
    }
  }
  return {};
}

Status set_quota(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.ops.quota, read_byte_size(node, where));
  return {};
}

// "peer:NAME": the entry is pulled from another mirror, named in the daemon's [peers.NAME].
Status set_upstream(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(const std::string text, read_string(node, where));
  constexpr std::string_view kPrefix = "peer:";
  const std::string_view name =
      std::string_view(text).substr(text.starts_with(kPrefix) ? kPrefix.size() : text.size());
  if (!text.starts_with(kPrefix) || !is_peer_name(name)) {
    return bad_value(where, "is '" + text +
                                "'; expected \"peer:NAME\" naming a [peers.NAME] "
                                "of the daemon's config");
  }
  policy.upstream_peer = std::string(name);
  return {};
}

constexpr std::array kOperationFields = {
    Field{"schedule", false, set_schedule},
    Field{"keep", false, set_keep},
    Field{"pin", false, set_pin},
    Field{"quota", false, set_quota},
    // Where pulls come from when not the source's own upstream (README "Federation").
    Field{"upstream", false, set_upstream},
};

}  // namespace

std::span<const Field> operation_fields() {
  return kOperationFields;
}

}  // namespace mirrord
