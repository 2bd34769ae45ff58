// serve_connection: one accepted connection, served by a coroutine on the socket's own strand.
//
// The coroutine reads a request (bounded by ServerLimits), refuses what the framing rules in
// wire.hpp forbid, calls the handler, writes the response (FileBody ranges with sendfile(2)) and
// loops while keep-alive holds. No Asio include here: the template is defined and instantiated
// in connection.cpp for the two socket types the listeners accept (TCP and Unix stream).
#pragma once

#include <memory>
#include <string>

#include "daemon/http/connection_registry.hpp"
#include "daemon/http/message.hpp"
#include "daemon/http/server.hpp"

namespace mirrord::http {

struct ServeContext {
  std::shared_ptr<const Handler> handler;
  ServerLimits limits;
  ConnectionRegistry* registry = nullptr;  // outlives every connection
};

// `socket` is an Asio stream socket whose executor is a strand of its own; `peer` names the
// remote end in logs. A connection the registry refuses (full, or stopping) is closed at once.
template <class Socket>
void serve_connection(Socket socket, std::string peer, ServeContext context);

}  // namespace mirrord::http
