#include "daemon/http/connection.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cctype>
#include <chrono>
#include <type_traits>

#include "daemon/http/access_log.hpp"
#include "daemon/http/read_errors.hpp"
#include "daemon/http/socket_io.hpp"
#include "daemon/http/wire.hpp"

namespace mirrord::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using beast::error_code;
// The concrete executor of a single-threaded loop: no type erasure, no strand on any I/O.
using Executor = net::io_context::executor_type;
template <class T = void>
using awaitable = net::awaitable<T, Executor>;
constexpr auto kUseAwaitable = net::use_awaitable_t<Executor>{};
constexpr auto kUseTuple = net::as_tuple(kUseAwaitable);
using Timer = net::basic_waitable_timer<std::chrono::steady_clock,
                                        net::wait_traits<std::chrono::steady_clock>, Executor>;

// Bytes sent by one sendfile(2) before the coroutine yields its thread to the other connections
// of its loop: nginx's sendfile_max_chunk. Larger slices let one download fill its socket buffer
// and then wait for it to drain, while the others on the loop wait too.
constexpr std::uint64_t kSendSliceBytes = 2 << 20;
// How long a closing connection keeps reading what the client still sends, so that the kernel
// does not answer those bytes with a reset that would destroy our final response in flight.
constexpr std::chrono::seconds kLingerTime{2};

template <class Protocol>
using Stream = beast::basic_stream<Protocol, Executor, beast::unlimited_rate_policy>;
using RequestParser = bhttp::request_parser<bhttp::string_body>;

template <class Protocol>
class Connection {
 public:
  Connection(std::shared_ptr<Stream<Protocol>> stream, std::string peer, ServeContext context,
             std::uint64_t id)
      : stream_(std::move(stream)), peer_(std::move(peer)), context_(std::move(context)), id_(id) {}

  awaitable<void> run() {
    for (bool first = true;; first = false) {
      if (!co_await wait_for_request(first))
        break;
      // Busy until the response is out: a graceful stop lets it finish.
      context_.registry->set_busy(id_, true);
      const bool again = co_await serve_one_request();
      context_.registry->set_busy(id_, false);
      if (!again || context_.registry->closed())
        break;
    }
    co_await close_gracefully();
  }

 private:
  const ServerLimits& limits() const { return context_.limits; }

  // Waits, idle, for the first byte of the next request; a pipelined one is already buffered.
  awaitable<bool> wait_for_request(bool first) {
    if (buffer_.size() > 0)
      co_return true;
    stream_->expires_after(first ? limits().header_timeout : limits().idle_timeout);
    auto [ec, n] = co_await stream_->async_read_some(buffer_.prepare(4096), kUseTuple);
    if (ec)
      co_return false;
    buffer_.commit(n);
    co_return true;
  }

  // Returns whether the connection stays open for another request.
  awaitable<bool> serve_one_request() {
    RequestParser parser;
    parser.header_limit(static_cast<std::uint32_t>(limits().max_header_bytes));
    parser.body_limit(limits().max_body_bytes);
    const error_code ec = co_await read_head(parser);
    Request request = ec ? unparsed_request() : to_request(parser.get());
    if (ec)
      co_return co_await refuse_after_read_error(request, ec);
    if (auto status = refusal_status(request.method, request.target, request.headers)) {
      co_await send(request, error_response(*status, "malformed request"), false);
      co_return false;
    }
    if (auto status = limit_status(request.target, request.headers)) {
      co_await send(request, error_response(*status, message_for(*status)), false);
      co_return false;
    }
    if (!parser.is_done()) {
      co_await answer_expect_continue(request);
      stream_->expires_after(limits().header_timeout);
      auto [body_ec, body_n] = co_await bhttp::async_read(*stream_, buffer_, parser, kUseTuple);
      if (body_ec)
        co_return co_await refuse_after_read_error(request, body_ec);
    }
    request.body = std::move(parser.get().body());
    bool keep_alive = parser.get().keep_alive() && !context_.registry->closed();
    bool http10 = parser.get().version() == 10;
    Response response = call_handler(request);
    co_return co_await send(request, std::move(response), keep_alive, http10) && keep_alive;
  }

  // Parses the head from what is already buffered (a keep-alive request usually arrives whole
  // in one read), and reads more only when it is incomplete.
  awaitable<error_code> read_head(RequestParser& parser) {
    error_code ec;
    buffer_.consume(parser.put(buffer_.data(), ec));
    if (ec != bhttp::error::need_more)
      co_return ec;
    stream_->expires_after(limits().header_timeout);  // one deadline for the whole head
    auto [read_ec, n] = co_await bhttp::async_read_header(*stream_, buffer_, parser, kUseTuple);
    co_return read_ec;
  }

  Request to_request(const bhttp::request<bhttp::string_body>& message) const {
    Request request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    auto question = request.target.find('?');
    request.path = request.target.substr(0, question);
    if (question != std::string::npos)
      request.query = request.target.substr(question + 1);
    for (const auto& field : message) {
      request.headers.add(std::string(field.name_string()), std::string(field.value()));
    }
    auto client_id = sane_request_id(request.headers.get("X-Request-Id"));
    request.request_id = client_id ? std::move(*client_id) : next_request_id();
    request.peer = peer_;
    return request;
  }

  // Stands in for a request whose head could not be parsed, so that the log line has an id.
  Request unparsed_request() const {
    Request request;
    request.method = "-";
    request.target = "-";
    request.request_id = next_request_id();
    request.peer = peer_;
    return request;
  }

  awaitable<bool> refuse_after_read_error(const Request& request, const error_code& ec) {
    if (auto status = status_for_read_error(ec)) {
      co_await send(request, error_response(*status, message_for(*status)), false);
    }
    co_return false;
  }

  awaitable<void> answer_expect_continue(const Request& request) {
    auto expect = request.headers.get("Expect");
    if (!expect || expect->size() != 12)
      co_return;
    std::string lowered(*expect);
    for (char& c : lowered)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lowered != "100-continue")
      co_return;
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    stream_->expires_after(limits().write_timeout);
    co_await net::async_write(*stream_, net::buffer(kContinue), kUseTuple);
  }

  Response call_handler(const Request& request) {
    try {
      return (*context_.handler)(request);
    } catch (const std::exception& e) {
      log_server_error("handler failed on " + request.method + " " + request.target +
                       " id=" + request.request_id + ": " + e.what());
    } catch (...) {
      log_server_error("handler failed on " + request.method + " " + request.target +
                       " id=" + request.request_id + ": unknown exception");
    }
    return error_response(500, message_for(500));
  }

  // Writes the response and logs it; returns whether every byte went out.
  awaitable<bool> send(const Request& request, Response response, bool keep_alive,
                       bool http10 = false) {
    auto started = std::chrono::steady_clock::now();
    WireContext context{request.method == "HEAD", http10, keep_alive, request.request_id};
    WireResponse wire = to_wire(std::move(response), context);
    std::uint64_t body_sent = 0;
    bool ok = co_await send_head_and_body(wire, body_sent);
    if (ok && wire.file)
      ok = co_await send_file(*wire.file, body_sent);
    if (context_.observer)
      (*context_.observer)(request, wire.status, body_sent);
    if (log_request(request, wire.status, body_sent, std::chrono::steady_clock::now() - started)) {
      // Runs once the loop has served what was ready: one write for the whole batch.
      net::post(stream_->get_executor(), [] { flush_request_log(); });
    }
    co_return ok;
  }

  awaitable<bool> send_head_and_body(const WireResponse& wire, std::uint64_t& body_sent) {
    if (!ensure_non_blocking())
      co_return false;
    // A file body follows the head at once: let a short response leave in one TCP packet.
    const bool more_follows = std::is_same_v<Protocol, net::ip::tcp> && wire.file.has_value();
    const int socket = stream_->socket().native_handle();
    std::uint64_t written = 0;
    for (;;) {
      auto progress = write_buffers(socket, wire.head, wire.body, written, more_follows);
      if (progress == WriteProgress::kDone)
        break;
      if (progress == WriteProgress::kFailed || !co_await wait_writable())
        co_return false;
    }
    body_sent = written - wire.head.size();
    co_return true;
  }

  // Sends the file range straight from the page cache: the blob never passes through user space.
  awaitable<bool> send_file(const FileBody& file, std::uint64_t& sent) {
    if (!file.fd) {
      log_server_error("response has a file body without a file; connection dropped");
      co_return false;
    }
    const int socket = stream_->socket().native_handle();
    std::uint64_t offset = file.offset;
    std::uint64_t done = 0;
    std::uint64_t since_yield = 0;
    while (done < file.length) {
      const std::uint64_t before = done;
      bool short_file = false;
      auto progress =
          send_file_some(socket, file.fd->get(), offset,
                         std::min(file.length - done, kSendSliceBytes), done, short_file);
      sent += done - before;
      if (progress == WriteProgress::kDone) {
        since_yield += done - before;
        if (since_yield >= kSendSliceBytes) {
          since_yield = 0;
          co_await net::post(stream_->get_executor(), kUseAwaitable);
        }
        continue;
      }
      if (short_file)
        log_server_error("blob shorter than the range being served; connection dropped");
      if (progress == WriteProgress::kFailed || !co_await wait_writable())
        co_return false;
      since_yield = 0;
    }
    co_return true;
  }

  // The writes above are direct system calls: the socket must not block.
  bool ensure_non_blocking() {
    if (!non_blocking_) {
      error_code ec;
      stream_->socket().native_non_blocking(true, ec);
      non_blocking_ = !ec;
    }
    return non_blocking_;
  }

  // Waits until the socket takes more bytes, for at most write_timeout.
  awaitable<bool> wait_writable() {
    using namespace net::experimental::awaitable_operators;
    auto& socket = stream_->socket();
    Timer timer(stream_->get_executor(), limits().write_timeout);
    auto result = co_await (socket.async_wait(Protocol::socket::wait_write, kUseTuple) ||
                            timer.async_wait(kUseTuple));
    if (result.index() != 0)
      co_return false;  // no progress within the write timeout
    co_return !std::get<0>(std::get<0>(result));
  }

  // Half-closes, then drains what the client still sends until it closes too (or kLingerTime).
  awaitable<void> close_gracefully() {
    error_code ec;
    stream_->socket().shutdown(net::socket_base::shutdown_send, ec);
    if (!ec) {
      stream_->expires_after(kLingerTime);
      char scratch[16384];
      while (true) {
        auto [read_ec, n] = co_await stream_->async_read_some(net::buffer(scratch), kUseTuple);
        if (read_ec)
          break;
      }
    }
    stream_->close();
  }

  std::shared_ptr<Stream<Protocol>> stream_;
  std::string peer_;
  ServeContext context_;
  const std::uint64_t id_;  // in the registry
  beast::flat_buffer buffer_;
  bool non_blocking_ = false;  // set once on the socket, for sendfile
};

// Unregisters the connection however its coroutine ends, even when the io_context is destroyed
// with the coroutine still suspended.
class RegistrationGuard {
 public:
  RegistrationGuard(ConnectionRegistry* registry, std::uint64_t id)
      : registry_(registry), id_(id) {}
  ~RegistrationGuard() { registry_->remove(id_); }
  RegistrationGuard(const RegistrationGuard&) = delete;
  RegistrationGuard& operator=(const RegistrationGuard&) = delete;

 private:
  ConnectionRegistry* registry_;
  std::uint64_t id_;
};

template <class Protocol>
awaitable<void> run_connection(std::shared_ptr<Stream<Protocol>> stream, std::string peer,
                               ServeContext context, std::uint64_t id) {
  RegistrationGuard guard(context.registry, id);
  Connection<Protocol> connection(std::move(stream), std::move(peer), std::move(context), id);
  co_await connection.run();
}

}  // namespace

template <class Socket>
void serve_connection(Socket socket, std::string peer, ServeContext context) {
  using Protocol = typename Socket::protocol_type;
  auto stream = std::make_shared<Stream<Protocol>>(std::move(socket));
  auto executor = stream->get_executor();
  // The closer runs on the connection's loop, so it never races the coroutine's own I/O.
  std::weak_ptr<Stream<Protocol>> weak = stream;
  auto id = context.registry->add([weak, executor] {
    net::post(executor, [weak] {
      if (auto open = weak.lock())
        open->close();
    });
  });
  if (!id) {
    stream->close();  // over the connection limit, or the server is stopping
    return;
  }
  net::co_spawn(
      executor,
      run_connection<Protocol>(std::move(stream), std::move(peer), std::move(context), *id),
      [](std::exception_ptr failure) {
        if (!failure)
          return;
        try {
          std::rethrow_exception(failure);
        } catch (const std::exception& e) {
          log_server_error(std::string("connection failed: ") + e.what());
        } catch (...) {
          log_server_error("connection failed: unknown exception");
        }
      });
}

template void serve_connection<net::basic_stream_socket<net::ip::tcp, Executor>>(
    net::basic_stream_socket<net::ip::tcp, Executor>, std::string, ServeContext);
template void serve_connection<net::basic_stream_socket<net::local::stream_protocol, Executor>>(
    net::basic_stream_socket<net::local::stream_protocol, Executor>, std::string, ServeContext);

}  // namespace mirrord::http
