// URL handling for PyPI-style indexes: resolving the hrefs of a page against the page's URL
// (RFC 3986 §5.2, the way pip and browsers do), the host a file would be fetched from (for the
// policy's host allow-list), and the filename a link names.
//
// Only http(s) results are produced; userinfo ("user@host"), backslashes, control characters
// and malformed hosts make a link unusable (nullopt) rather than something to guess about.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mirrord::pypi {

// `reference` resolved against the absolute http(s) URL `base`; the fragment is kept.
std::optional<std::string> resolve_url(std::string_view base, std::string_view reference);

// The lower-case host of an absolute http(s) URL without userinfo; nullopt otherwise.
std::optional<std::string> url_host(std::string_view url);

// The URL without its "#fragment", and the fragment alone ("" when there is none).
std::string_view without_fragment(std::string_view url);
std::string_view fragment_of(std::string_view url);

// The last path segment, percent-decoded ("torch-2.6.0%2Bcu124-....whl" -> "torch-2.6.0+cu124-
// ....whl"); nullopt when it is empty or does not decode.
std::optional<std::string> url_filename(std::string_view url);

}  // namespace mirrord::pypi
