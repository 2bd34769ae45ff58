#include "daemon/http/listener.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <cstring>

#include "daemon/http/access_log.hpp"
#include "storage/unique_fd.hpp"

namespace mirrord::http {
namespace {

namespace net = boost::asio;
using net::ip::tcp;
using Local = net::local::stream_protocol;
using Executor = net::io_context::executor_type;
constexpr auto kUseTuple = net::as_tuple(net::use_awaitable_t<Executor>{});
template <class Protocol>
using Socket = net::basic_stream_socket<Protocol, Executor>;
using Timer = net::basic_waitable_timer<std::chrono::steady_clock,
                                        net::wait_traits<std::chrono::steady_clock>, Executor>;

// How long the accept loop pauses after a failure such as EMFILE, instead of spinning on it.
constexpr std::chrono::milliseconds kAcceptBackoff{100};

// Acceptors live on the loop of the thread that calls Server::run(), which runs it alone.
template <class Protocol>
using Acceptor = net::basic_socket_acceptor<Protocol, Executor>;

std::string peer_name(const Socket<tcp>& socket) {
  boost::system::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  if (ec)
    return "?";
  auto address = endpoint.address();
  std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  return host + ":" + std::to_string(endpoint.port());
}

std::string peer_name(const Socket<Local>&) {
  return "unix";
}

void tune(Socket<tcp>& socket) {
  // A response head and a short body go out at once instead of waiting for the peer's ACK.
  boost::system::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
}
void tune(Socket<Local>&) {}

template <class Protocol>
net::awaitable<void, Executor> accept_loop(std::shared_ptr<Acceptor<Protocol>> acceptor,
                                           ServeContext context) {
  while (acceptor->is_open()) {
    // The new socket belongs to the next thread's loop, which serves it from then on.
    auto [ec, accepted] = co_await acceptor->async_accept(context.next_loop(), kUseTuple);
    if (ec == net::error::operation_aborted || !acceptor->is_open())
      break;
    if (ec) {
      log_server_error("accept failed: " + ec.message());
      Timer pause(acceptor->get_executor(), kAcceptBackoff);
      co_await pause.async_wait(kUseTuple);
      continue;
    }
    Socket<Protocol> socket(std::move(accepted));
    tune(socket);
    std::string peer = peer_name(socket);
    serve_connection(std::move(socket), std::move(peer), context);
  }
}

template <class Protocol>
class AcceptingListener final : public Listener {
 public:
  explicit AcceptingListener(std::shared_ptr<Acceptor<Protocol>> acceptor)
      : acceptor_(std::move(acceptor)) {}

  void close() override {
    // On the acceptor's loop: the accept loop touches the acceptor only from there.
    net::post(acceptor_->get_executor(), [acceptor = acceptor_] {
      boost::system::error_code ec;
      acceptor->close(ec);
    });
  }

 private:
  std::shared_ptr<Acceptor<Protocol>> acceptor_;
};

template <class Protocol>
std::unique_ptr<Listener> start_accepting(std::shared_ptr<Acceptor<Protocol>> acceptor,
                                          ServeContext context) {
  net::co_spawn(acceptor->get_executor(), accept_loop<Protocol>(acceptor, std::move(context)),
                [](std::exception_ptr failure) {
                  if (failure)
                    log_server_error("accept loop ended by an exception");
                });
  return std::make_unique<AcceptingListener<Protocol>>(std::move(acceptor));
}

Error socket_error(const std::string& what, const boost::system::error_code& ec) {
  auto code = ec == net::error::address_in_use ? ErrorCode::kConflict : ErrorCode::kIo;
  return make_error(code, what + ": " + ec.message());
}

Result<tcp::endpoint> resolve_endpoint(net::io_context& io, std::string host, std::uint16_t port) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  boost::system::error_code ec;
  auto address = net::ip::make_address(host, ec);
  if (!ec)
    return tcp::endpoint(address, port);
  tcp::resolver resolver(io);
  auto results = resolver.resolve(host, std::to_string(port), ec);
  if (ec || results.empty()) {
    return make_error(ErrorCode::kInvalidInput, "cannot resolve listen host '" + host + "'");
  }
  return results.begin()->endpoint();
}

// Removes a socket file left behind by a server that is gone; refuses to touch anything else.
Status remove_stale_socket(const std::filesystem::path& path) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) {
    if (errno == ENOENT)
      return {};
    return make_error(ErrorCode::kIo, "stat " + path.string() + ": " + std::strerror(errno));
  }
  if (!S_ISSOCK(info.st_mode)) {
    return make_error(ErrorCode::kConflict, path.string() + " exists and is not a socket");
  }
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  UniqueFd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!probe.valid())
    return make_error(ErrorCode::kIo, std::string("socket: ") + std::strerror(errno));
  if (::connect(probe.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    return make_error(ErrorCode::kConflict, "another server is listening on " + path.string());
  }
  if (errno != ECONNREFUSED) {
    return make_error(ErrorCode::kIo, "probe " + path.string() + ": " + std::strerror(errno));
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return make_error(ErrorCode::kIo, "unlink " + path.string() + ": " + std::strerror(errno));
  }
  return {};
}

}  // namespace

Result<BoundListener> open_tcp_listener(net::io_context& io, const std::string& host,
                                        std::uint16_t port, ServeContext context) {
  MIRRORD_TRY_ASSIGN(tcp::endpoint endpoint, resolve_endpoint(io, host, port));
  auto acceptor = std::make_shared<Acceptor<tcp>>(io.get_executor());
  std::string where = host + ":" + std::to_string(port);
  boost::system::error_code ec;
  acceptor->open(endpoint.protocol(), ec);
  if (ec)
    return socket_error("open " + where, ec);
  acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (ec)
    return socket_error("SO_REUSEADDR " + where, ec);
  acceptor->bind(endpoint, ec);
  if (ec)
    return socket_error("bind " + where, ec);
  acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    return socket_error("listen " + where, ec);
  std::uint16_t bound = acceptor->local_endpoint(ec).port();
  if (ec)
    return socket_error("local endpoint " + where, ec);
  return BoundListener{start_accepting<tcp>(std::move(acceptor), std::move(context)), bound};
}

Result<std::unique_ptr<Listener>> open_unix_listener(net::io_context& io,
                                                     const std::filesystem::path& path,
                                                     unsigned mode, ServeContext context) {
  // Checked here because Asio's endpoint would throw on a path that does not fit sun_path.
  if (path.native().size() >= sizeof(sockaddr_un::sun_path)) {
    return make_error(ErrorCode::kInvalidInput, "unix socket path too long: " + path.string());
  }
  MIRRORD_TRY(remove_stale_socket(path));
  auto acceptor = std::make_shared<Acceptor<Local>>(io.get_executor());
  boost::system::error_code ec;
  acceptor->open(Local(), ec);
  if (ec)
    return socket_error("open unix socket", ec);
  acceptor->bind(Local::endpoint(path.string()), ec);
  if (ec)
    return socket_error("bind " + path.string(), ec);
  // Permissions are set before listen(), so no client can connect under the umask's mode.
  if (::chmod(path.c_str(), static_cast<mode_t>(mode)) != 0) {
    return make_error(ErrorCode::kIo, "chmod " + path.string() + ": " + std::strerror(errno));
  }
  acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    return socket_error("listen " + path.string(), ec);
  return start_accepting<Local>(std::move(acceptor), std::move(context));
}

}  // namespace mirrord::http
