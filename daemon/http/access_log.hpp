// One line per request on stderr (journald keeps it), plus the server's own error lines.
//
// Request lines are gathered per thread and written together: each write(2) holds whole lines and
// at most PIPE_BUF bytes, so lines from several threads never interleave, and a busy server makes
// one system call (and wakes journald once) per batch rather than per request. The event loop
// flushes a thread's batch once it has run what was ready (see connection.cpp), so under light
// load every line is written at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "daemon/http/message.hpp"

namespace mirrord::http {

// "http GET /path 200 1234B 3ms id=<request id> peer=<peer>", added to this thread's batch.
// Returns true when the batch was empty before: the caller must then arrange a
// flush_request_log() on this thread.
bool log_request(const Request& request, int status, std::uint64_t bytes_sent,
                 std::chrono::steady_clock::duration elapsed);

// Writes this thread's batch of request lines.
void flush_request_log();

// "http error: <what>"
void log_server_error(std::string_view what);

}  // namespace mirrord::http
