// Listeners: a bound, listening socket (TCP or Unix stream) and the coroutine that accepts on it
// and hands each connection to serve_connection on the loop of one of the server's threads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "daemon/http/connection.hpp"
#include "storage/result.hpp"

// A declaration, not an include: Asio stays inside daemon/http/*.cpp.
namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace mirrord::http {

class Listener {
 public:
  virtual ~Listener() = default;
  // Stops accepting; connections already accepted are not touched. Callable from any thread.
  virtual void close() = 0;
};

struct BoundListener {
  std::unique_ptr<Listener> listener;
  std::uint16_t port = 0;  // the port actually bound (useful after asking for port 0)
};

// Binds host:port ("127.0.0.1", "::", "localhost", "[::1]") with SO_REUSEADDR and a large backlog.
Result<BoundListener> open_tcp_listener(boost::asio::io_context& io, const std::string& host,
                                        std::uint16_t port, ServeContext context);

// Binds a Unix stream socket at `path`. A stale socket file (nobody listening) is replaced; a live
// one, or a file that is not a socket, is an error. The socket gets `mode` before it listens.
Result<std::unique_ptr<Listener>> open_unix_listener(boost::asio::io_context& io,
                                                     const std::filesystem::path& path,
                                                     unsigned mode, ServeContext context);

}  // namespace mirrord::http
