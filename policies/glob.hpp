// Glob syntax checks, beside glob_match (declared in policy.hpp).
//
// glob_match is forgiving: a malformed pattern (an unterminated '[') simply matches literally.
// Policy files must not be forgiving, so the parser asks glob_pattern_problem first and refuses
// a pattern that would not mean what its author wrote.
#pragma once

#include <string>
#include <string_view>

namespace mirrord {

// Empty when `pattern` is a well-formed glob; otherwise what is wrong with it.
std::string glob_pattern_problem(std::string_view pattern);

}  // namespace mirrord
