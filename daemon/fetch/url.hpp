// URL helpers for talking to upstreams: building request URLs and keeping secrets out of logs.
//
// Parsing is done by libcurl's own URL parser, so what we compare or print is exactly what the
// transfer would use (no second parser to disagree with it).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mirrord {

// Percent-encodes every byte except the RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~) and
// those listed in `keep`, like Python's urllib.parse.quote(text, safe=keep).
std::string percent_encode(std::string_view text, std::string_view keep = "");

// The URL fit for a log line or an error message: scheme, host, port and path only. User info,
// query and fragment are replaced by markers, since they can carry credentials or signed tokens.
// A URL libcurl cannot parse is not echoed at all.
std::string redact_url(std::string_view url);

// "scheme://host:port" (lower case, default port made explicit) of an absolute http(s) URL;
// nullopt for anything else. Two URLs share an origin exactly when these strings are equal.
std::optional<std::string> url_origin(std::string_view url);

}  // namespace mirrord
