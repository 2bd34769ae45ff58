// Base64 (RFC 4648, standard alphabet, with padding). Decoding is strict: no whitespace, no
// missing or misplaced padding, no non-zero bits in the last character's unused part, so one
// signature has exactly one encoding (security.md §1.5: "strict base64").
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mirrord {

std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode_strict(std::string_view text);

}  // namespace mirrord
