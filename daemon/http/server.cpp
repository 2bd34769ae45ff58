#include "daemon/http/server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <mutex>
#include <thread>
#include <vector>

#include "daemon/http/access_log.hpp"
#include "daemon/http/connection_registry.hpp"
#include "daemon/http/listener.hpp"

namespace mirrord::http {
namespace {

namespace net = boost::asio;

class ServerImpl final : public Server {
 public:
  explicit ServerImpl(ServerLimits limits) : limits_(limits), registry_(limits.max_connections) {}

  Result<std::uint16_t> listen_tcp(const std::string& host, std::uint16_t port,
                                   Handler handler) override {
    MIRRORD_TRY_ASSIGN(BoundListener bound,
                       open_tcp_listener(io_, host, port, context_for(std::move(handler))));
    keep(std::move(bound.listener));
    return bound.port;
  }

  Status listen_unix(const std::filesystem::path& path, unsigned mode, Handler handler) override {
    MIRRORD_TRY_ASSIGN(auto listener,
                       open_unix_listener(io_, path, mode, context_for(std::move(handler))));
    keep(std::move(listener));
    return {};
  }

  void run(int threads) override {
    io_.restart();  // a previous run() left the context stopped
    net::signal_set signals(io_, SIGINT, SIGTERM);
    signals.async_wait([this](const boost::system::error_code& ec, int) {
      if (!ec)
        stop();
    });
    {
      std::lock_guard lock(mutex_);
      signals_ = &signals;
    }
    std::vector<std::thread> workers;
    for (int i = 1; i < threads; ++i)
      workers.emplace_back([this] { io_.run(); });
    io_.run();
    for (auto& worker : workers)
      worker.join();
    std::lock_guard lock(mutex_);
    signals_ = nullptr;
  }

  // Closing every listener, connection and the signal wait leaves io_ without work, so every
  // thread in run() returns once the handlers in progress have finished.
  void stop() override {
    std::vector<Listener*> listeners;
    {
      std::lock_guard lock(mutex_);
      for (auto& listener : listeners_)
        listeners.push_back(listener.get());
    }
    for (auto* listener : listeners)
      listener->close();
    registry_.close_all();
    // Posted rather than done here: run() may not have started, and the signal_set belongs to
    // the threads of run(). A post made before run() is handled once it starts.
    net::post(io_, [this] {
      std::lock_guard lock(mutex_);
      if (signals_ != nullptr) {
        boost::system::error_code ec;
        signals_->cancel(ec);
      }
    });
  }

 private:
  ServeContext context_for(Handler handler) {
    return ServeContext{std::make_shared<const Handler>(std::move(handler)), limits_, &registry_};
  }

  void keep(std::unique_ptr<Listener> listener) {
    std::lock_guard lock(mutex_);
    listeners_.push_back(std::move(listener));
    // A listener opened after stop() must not keep run() alive.
    if (registry_.closed())
      listeners_.back()->close();
  }

  // Declaration order is destruction order in reverse: the io_context destroys suspended
  // connection coroutines, whose guards still reach the registry, and it must outlive the
  // listeners' acceptors.
  const ServerLimits limits_;
  ConnectionRegistry registry_;
  net::io_context io_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  net::signal_set* signals_ = nullptr;  // set while run() is running
};

}  // namespace

std::unique_ptr<Server> Server::create(ServerLimits limits) {
  return std::make_unique<ServerImpl>(limits);
}

}  // namespace mirrord::http
