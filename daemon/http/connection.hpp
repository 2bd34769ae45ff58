// serve_connection: one accepted connection, served by a coroutine on the event loop the socket
// belongs to. Each server thread runs an event loop of its own (see server.cpp), so everything a
// connection does (its reads, writes, timers, and a close asked from another thread, which is
// posted to its loop) happens on one thread: no strand, no lock.
//
// The coroutine reads a request (bounded by ServerLimits), refuses what the framing rules in
// wire.hpp forbid, calls the handler, writes the response (FileBody ranges with sendfile(2)) and
// loops while keep-alive holds. No Asio include here: the template is defined and instantiated
// in connection.cpp for the two socket types the listeners accept (TCP and Unix stream).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "daemon/http/connection_registry.hpp"
#include "daemon/http/message.hpp"
#include "daemon/http/server.hpp"

// A declaration, not an include: Asio stays inside daemon/http/*.cpp.
namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace mirrord::http {

struct ServeContext {
  std::shared_ptr<const Handler> handler;
  ServerLimits limits;
  ConnectionRegistry* registry = nullptr;  // outlives every connection
  // The event loop that serves the next accepted connection (round robin over the threads).
  // Called only from the thread that runs the listeners' loop.
  std::function<boost::asio::io_context&()> next_loop;
  std::shared_ptr<const RequestObserver> observer;  // may be null
};

// `socket` is an Asio stream socket of an io_context run by a single thread, with that context's
// executor type; `peer` names the remote end in logs. A connection the registry refuses (full,
// or stopping) is closed at once.
template <class Socket>
void serve_connection(Socket socket, std::string peer, ServeContext context);

}  // namespace mirrord::http
