// Checks for the identifiers a policy names: policy names and aliases, Hugging Face repo ids and
// revisions. Shared by the policy-file parser and the ad-hoc "hf:..." target parser so that both
// refuse the same things. Each returns an empty string when the value is acceptable, otherwise a
// sentence saying what is wrong and what is expected.
#pragma once

#include <string>
#include <string_view>

namespace mirrord {

// Policy names and aliases: letters, digits, '.', '_' and '-', starting with a letter or digit.
// ':' is reserved for ad-hoc targets ("hf:ORG/NAME").
std::string policy_name_problem(std::string_view name);

// Hugging Face repo ids: "ORG/NAME", each part made of letters, digits, '.', '_' and '-', not
// starting or ending with '.' or '-', no "..", at most 96 characters each.
std::string repo_id_problem(std::string_view repo);

// Branch, tag or commit: non-empty, no whitespace or control characters, no "..".
std::string revision_problem(std::string_view revision);

// ASCII lower-casing, for case-insensitive name comparison.
std::string ascii_lower(std::string_view text);

// A peer mirror's name ([peers.NAME], upstream = "peer:NAME"): 1 to 64 of [A-Za-z0-9._-].
bool is_peer_name(std::string_view name);

// Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of two
// adjacent characters each cost 1 ("deepsek" -> "deepseek" is 1, "gml" -> "glm" is 1).
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace mirrord
