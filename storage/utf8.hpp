// Text that goes into JSON answers must be valid UTF-8 (nlohmann::json refuses to serialize
// anything else): error messages can carry bytes from outside (an upstream's body, a library's
// message about a damaged file), and one such message must not make an answer fail.
#pragma once

#include <string>
#include <string_view>

namespace mirrord {

// `text` with each byte that is not part of a well-formed UTF-8 sequence (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF) replaced by U+FFFD.
std::string valid_utf8(std::string_view text);

}  // namespace mirrord
