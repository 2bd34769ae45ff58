// Reading one `[[mirror]]` table of a policy file into a Policy (private to policies/).
//
// Every key is checked: unknown keys are refused (a misspelt "exclude" must not silently select
// everything), required keys must be present, and each value must have the right type and form.
// Errors are kInvalidInput with "FILE:LINE: " in front, using toml++'s source regions.
#pragma once

#include <filesystem>

#include <toml++/toml.h>

#include "policies/entry_fields.hpp"
#include "policies/policy.hpp"

namespace mirrord {

Result<Policy> read_policy_entry(const toml::table& entry, const std::filesystem::path& file);

}  // namespace mirrord
