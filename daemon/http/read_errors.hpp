// The server's answers to requests it cannot read: which status a failed read owes the client,
// and the error body every such answer carries. Kept apart from connection.cpp, whose coroutine
// only decides when to send them.
#pragma once

#include <optional>
#include <string_view>

#include <boost/system/error_code.hpp>

#include "daemon/http/message.hpp"

namespace mirrord::http {

// The status owed for a failed read of a request (400, 413 or 431), or nullopt when the client
// simply went away (or stalled) and the connection just closes.
std::optional<int> status_for_read_error(const boost::system::error_code& ec);

// The short English reason of an error status the server itself answers.
std::string_view message_for(int status);

// {"error": message} with X-Error-Message.
Response error_response(int status, std::string_view message);

}  // namespace mirrord::http
