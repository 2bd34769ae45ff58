// One line per request on stderr (journald keeps it), plus the server's own error lines. Each
// line is written with a single write(2) so that lines from several threads never interleave.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "daemon/http/message.hpp"

namespace mirrord::http {

// "http GET /path 200 1234B 3ms id=<request id> peer=<peer>"
void log_request(const Request& request, int status, std::uint64_t bytes_sent,
                 std::chrono::steady_clock::duration elapsed);

// "http error: <what>"
void log_server_error(std::string_view what);

}  // namespace mirrord::http
