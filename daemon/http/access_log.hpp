// One line per request on stderr (journald keeps it), plus the server's own error lines. Lines
// are key=value pairs after a syslog priority prefix that journald turns into the entry's
// priority: "<6>" (info) for requests, "<3>" (err) for errors. A value holding a space, quote,
// backslash, '=' or a control character is written in double quotes with those escaped, so a
// hostile request-target cannot forge a field or a line.
//
// Request lines are gathered per thread and written together: each write(2) holds whole lines and
// at most PIPE_BUF bytes, so lines from several threads never interleave, and a busy server makes
// one system call (and wakes journald once) per batch rather than per request. The event loop
// flushes a thread's batch once it has run what was ready (see connection.cpp), so under light
// load every line is written at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/http/message.hpp"

namespace mirrord::http {

// "<6>http method=GET target=/path status=200 bytes=1234 ms=3 id=<request id> peer=<peer>",
// added to this thread's batch.
// Returns true when the batch was empty before: the caller must then arrange a
// flush_request_log() on this thread.
bool log_request(const Request& request, int status, std::uint64_t bytes_sent,
                 std::chrono::steady_clock::duration elapsed);

// Writes this thread's batch of request lines.
void flush_request_log();

// "<3>http error msg=<what>"
void log_server_error(std::string_view what);

// Appends `value` to a key=value log line: bare when safe, else quoted and escaped (see above).
void append_log_value(std::string& line, std::string_view value);

}  // namespace mirrord::http
