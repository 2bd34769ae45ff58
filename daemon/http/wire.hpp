// The server's HTTP/1.1 framing rules as plain functions, kept apart from the Beast/Asio code so
// that they can be read and tested on their own: which requests are refused before a handler sees
// them (security.md §7), and how a handler's Response becomes the bytes put on the wire.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/http/message.hpp"

namespace mirrord::http {

// The status (always 400) for a request the server must refuse before the handler: a
// request-target not in origin form ("*" only for OPTIONS), ambiguous framing (Transfer-Encoding
// with Content-Length, several or listed Content-Length values, a Transfer-Encoding other than
// "chunked"), or a body on GET/HEAD. nullopt when the request may go to the handler.
std::optional<int> refusal_status(std::string_view method, std::string_view target,
                                  const Headers& headers);

// Limits on the request head beyond Beast's byte limit (security.md §7): a request-target longer
// than kMaxRequestTargetBytes gets 414, more than kMaxHeaderFields header fields get 431. nullopt
// when the request is within both.
inline constexpr std::size_t kMaxRequestTargetBytes = 8 * 1024;
inline constexpr std::size_t kMaxHeaderFields = 100;
std::optional<int> limit_status(std::string_view target, const Headers& headers);

struct WireContext {
  bool head_request = false;  // never send a body
  bool http10 = false;        // the client spoke HTTP/1.0: keep-alive must be announced
  bool keep_alive = true;     // false adds "Connection: close"
  std::string_view request_id;
};

// A response ready to send: `head` (status line, headers, blank line), then `content_length`
// bytes taken from `body` or, when set, from `file`.
struct WireResponse {
  int status = 200;
  std::string head;
  std::string body;
  std::optional<FileBody> file;
  std::uint64_t content_length = 0;
};

// Applies the server-owned headers (Content-Length, Date, Server, X-Request-Id, Connection) and
// drops the handler's copies of them and any header that could split the response.
WireResponse to_wire(Response response, const WireContext& context);

// IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
std::string http_date(std::time_t when);

// A process-unique id: a random per-process prefix and a counter, 16 hex digits.
std::string next_request_id();

// The client's X-Request-Id when it is a sane token (1..64 characters of letters, digits and
// "-_.:"), so that a proxy's id can follow the request into our logs; nullopt otherwise (the
// server then makes one). Anything else could forge log fields or split a header.
std::optional<std::string> sane_request_id(std::optional<std::string_view> header);

}  // namespace mirrord::http
