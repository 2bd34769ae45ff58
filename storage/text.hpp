// Text helpers every library uses (storage is the library all others build on).
#pragma once

#include <string_view>

namespace mirrord {

// Character sets that formats call whitespace.
inline constexpr std::string_view kBlanks = " \t";              // HTTP OWS, deb822 folding
inline constexpr std::string_view kAsciiSpace = " \t\n\v\f\r";  // C isspace, PEP 440/508
inline constexpr std::string_view kHtmlSpace = " \t\n\f\r";     // HTML's ASCII whitespace

// `text` without the leading and trailing characters found in `chars`.
constexpr std::string_view trim_any(std::string_view text, std::string_view chars) {
  const auto first = text.find_first_not_of(chars);
  if (first == std::string_view::npos) {
    return {};
  }
  return text.substr(first, text.find_last_not_of(chars) - first + 1);
}

}  // namespace mirrord
