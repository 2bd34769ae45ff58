// Server: the HTTP/1.1 server (Boost.Asio/Beast, C++20 coroutines) behind both the public
// listener (TCP) and the admin API (a Unix socket). Beast stays inside daemon/http/*.cpp.
//
// Each connection is a coroutine: read a request (bounded: request line, header count and size,
// body size, header and idle timeouts), call the handler, write the response, loop while
// keep-alive. Responses with a FileBody are sent with sendfile(2), never read whole into memory.
// Every response gets X-Request-Id; HEAD responses never carry a body. A malformed request gets
// 400 (or 413/431) and the connection is closed; the server keeps serving others.
//
// Thread-safety: handlers are called concurrently from the server's threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "daemon/http/message.hpp"
#include "storage/result.hpp"

namespace mirrord::http {

struct ServerLimits {
  std::size_t max_header_bytes = 16 * 1024;  // request line + headers
  std::size_t max_body_bytes = 1 << 20;      // POST bodies (paths-info, admin API)
  std::size_t max_connections = 10000;
  std::chrono::seconds header_timeout{20};  // to receive a full request head
  std::chrono::seconds idle_timeout{60};    // keep-alive between requests
  std::chrono::seconds write_timeout{120};  // per write progress
  std::chrono::seconds drain_timeout{10};   // how long stop() lets responses in progress finish
};

// Told of every request a listener answered: its status and the body bytes that went out.
// Called on the connection's thread after the response was written, so it must be cheap.
using RequestObserver =
    std::function<void(const Request& request, int status, std::uint64_t body_bytes)>;

class Server {
 public:
  static std::unique_ptr<Server> create(ServerLimits limits = {});
  virtual ~Server() = default;

  // Binds "host:port" (port 0 picks a free one). Returns the bound port.
  virtual Result<std::uint16_t> listen_tcp(const std::string& host, std::uint16_t port,
                                           Handler handler) = 0;
  // Observes the requests of the TCP listeners opened after this call (not the Unix socket's).
  virtual void set_request_observer(RequestObserver observer) = 0;
  // Binds a Unix stream socket at `path` (replacing a stale one) with the given permissions.
  virtual Status listen_unix(const std::filesystem::path& path, unsigned mode, Handler handler) = 0;
  // Runs the event loop on `threads` threads until stop(); SIGINT/SIGTERM call stop().
  virtual void run(int threads) = 0;
  // Stops accepting and closes idle connections at once; responses in progress may finish within
  // drain_timeout, then every connection is closed and run() returns. Callable from any thread.
  virtual void stop() = 0;
  // While run() runs, calls `beat` every `interval` as long as every event loop keeps turning
  // (see heartbeat.hpp): the systemd watchdog's pings. Set before run().
  virtual void set_heartbeat(std::chrono::microseconds interval, std::function<void()> beat) = 0;
};

}  // namespace mirrord::http
