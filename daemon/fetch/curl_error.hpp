// Private to daemon/fetch: the one place where libcurl's CURLcode becomes an Error.
#pragma once

#include <curl/curl.h>

#include <string_view>

#include "storage/result.hpp"

namespace mirrord {

// What a failed transfer means for the caller:
//   timeouts, refused or reset connections, truncated bodies, name resolution -> kUpstreamRetryable
//   TLS failures (handshake, certificate, CA bundle)                           -> kUpstream
//   too many redirects, a redirect to a refused scheme                          -> kUpstream
//   a URL curl cannot parse                                                     -> kInvalidInput
//   callback aborts                                                             -> kCancelled
ErrorCode curl_error_code(CURLcode code);

// The Error for a failed transfer of `redacted_url`; `detail` is curl's error buffer (may be
// empty). Never given the raw URL, so no credential or signed query can reach a message.
Error curl_error(CURLcode code, std::string_view detail, std::string_view redacted_url);

}  // namespace mirrord
