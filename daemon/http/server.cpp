#include "daemon/http/server.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <mutex>
#include <thread>
#include <vector>

#include "daemon/http/access_log.hpp"
#include "daemon/http/connection_registry.hpp"
#include "daemon/http/heartbeat.hpp"
#include "daemon/http/listener.hpp"

namespace mirrord::http {
namespace {

namespace net = boost::asio;
using WorkGuard = net::executor_work_guard<net::io_context::executor_type>;

// Each loop is run by exactly one thread (a hint that lets Asio skip some locking).
constexpr int kOneThread = 1;
// How often a stopping server looks whether its last responses have gone out.
constexpr std::chrono::milliseconds kDrainPoll{50};

// One event loop per thread, each serving its share of the connections (round robin at
// accept). The calling thread of run() runs the main loop, which also holds the listeners and
// the signal handling; a connection never moves between threads, so its handlers need no strand
// and no lock, and threads never wake each other up to hand work over.
class ServerImpl final : public Server {
 public:
  explicit ServerImpl(ServerLimits limits) : limits_(limits), registry_(limits.max_connections) {}

  Result<std::uint16_t> listen_tcp(const std::string& host, std::uint16_t port,
                                   Handler handler) override {
    ServeContext context = context_for(std::move(handler));
    context.observer = observer_;
    MIRRORD_TRY_ASSIGN(BoundListener bound,
                       open_tcp_listener(main_, host, port, std::move(context)));
    keep(std::move(bound.listener));
    return bound.port;
  }

  void set_request_observer(RequestObserver observer) override {
    observer_ = observer ? std::make_shared<const RequestObserver>(std::move(observer)) : nullptr;
  }

  Status listen_unix(const std::filesystem::path& path, unsigned mode, Handler handler) override {
    MIRRORD_TRY_ASSIGN(auto listener,
                       open_unix_listener(main_, path, mode, context_for(std::move(handler))));
    keep(std::move(listener));
    return {};
  }

  void run(int threads) override {
    main_.restart();  // a previous run() left the loop stopped
    net::signal_set signals(main_, SIGINT, SIGTERM);
    signals.async_wait([this](const boost::system::error_code& ec, int) {
      if (!ec)
        stop();
    });
    std::vector<net::io_context*> extra = start_extra_loops(threads);
    {
      std::lock_guard lock(mutex_);
      signals_ = &signals;
    }
    start_heartbeat_unless_stopping(extra);
    std::vector<std::thread> workers;
    for (net::io_context* loop : extra)
      workers.emplace_back([loop] { loop->run(); });
    main_.run();
    for (auto& worker : workers)
      worker.join();
    std::lock_guard lock(mutex_);
    signals_ = nullptr;
    heartbeat_.reset();
  }

  void set_heartbeat(std::chrono::microseconds interval, std::function<void()> beat) override {
    std::lock_guard lock(mutex_);
    heartbeat_interval_ = interval;
    heartbeat_beat_ = std::move(beat);
  }

  // Closing every listener, connection and the signal wait leaves the loops without work, so
  // every thread in run() returns once the handlers in progress have finished.
  void stop() override {
    std::vector<Listener*> listeners;
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      for (auto& listener : listeners_)
        listeners.push_back(listener.get());
    }
    for (auto* listener : listeners)
      listener->close();
    registry_.close_idle();
    // Posted rather than done here: run() may not have started, and the signal_set belongs to
    // the main loop's thread. A post made before run() is handled once it starts.
    net::post(main_, [this] {
      std::lock_guard lock(mutex_);
      if (signals_ != nullptr) {
        boost::system::error_code ec;
        signals_->cancel(ec);
      }
      if (heartbeat_)
        heartbeat_->stop();
      guards_.clear();  // the other loops may end once their connections are closed
      if (!drain_timer_)
        drain(std::chrono::steady_clock::now() + limits_.drain_timeout);
    });
  }

 private:
  // The loops of the threads beyond the calling one, kept busy (guarded) until stop().
  std::vector<net::io_context*> start_extra_loops(int threads) {
    std::lock_guard lock(mutex_);
    while (static_cast<int>(extra_.size()) < threads - 1)
      extra_.push_back(std::make_unique<net::io_context>(kOneThread));
    loops_ = {&main_};
    std::vector<net::io_context*> extra;
    for (int i = 0; i + 1 < threads; ++i) {
      extra_[i]->restart();
      if (!stopping_)
        guards_.emplace_back(extra_[i]->get_executor());
      loops_.push_back(extra_[i].get());
      extra.push_back(extra_[i].get());
    }
    return extra;
  }

  // On the main loop: waits for the busy connections to finish their responses, then closes
  // whatever is still open once `deadline` has passed.
  void drain(std::chrono::steady_clock::time_point deadline) {
    if (registry_.size() == 0 || std::chrono::steady_clock::now() >= deadline) {
      registry_.close_all();
      drain_timer_.reset();
      return;
    }
    if (!drain_timer_)
      drain_timer_ = std::make_unique<net::steady_timer>(main_);
    drain_timer_->expires_after(kDrainPoll);
    drain_timer_->async_wait([this, deadline](const boost::system::error_code& ec) {
      if (!ec)
        drain(deadline);
    });
  }

  void start_heartbeat_unless_stopping(const std::vector<net::io_context*>& extra) {
    std::lock_guard lock(mutex_);
    if (heartbeat_beat_ && !stopping_)
      heartbeat_ = start_heartbeat(main_, extra, heartbeat_interval_, heartbeat_beat_);
  }

  // Called by the accept loops, which all run on the main loop's thread.
  net::io_context& next_loop() {
    net::io_context& loop = *loops_[next_ % loops_.size()];
    ++next_;
    return loop;
  }

  ServeContext context_for(Handler handler) {
    return ServeContext{std::make_shared<const Handler>(std::move(handler)), limits_, &registry_,
                        [this]() -> net::io_context& { return next_loop(); }, nullptr};
  }

  void keep(std::unique_ptr<Listener> listener) {
    std::lock_guard lock(mutex_);
    listeners_.push_back(std::move(listener));
    // A listener opened after stop() must not keep run() alive.
    if (registry_.closed())
      listeners_.back()->close();
  }

  // Declaration order is destruction order in reverse: the loops destroy suspended connection
  // coroutines, whose guards still reach the registry, and they must outlive the listeners'
  // acceptors.
  const ServerLimits limits_;
  ConnectionRegistry registry_;
  std::shared_ptr<const RequestObserver> observer_;  // for TCP listeners opened from now on
  net::io_context main_{kOneThread};
  std::vector<std::unique_ptr<net::io_context>> extra_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::vector<WorkGuard> guards_;
  std::vector<net::io_context*> loops_;  // set by run() before its loop starts
  std::size_t next_ = 0;
  bool stopping_ = false;
  net::signal_set* signals_ = nullptr;  // set while run() is running
  std::chrono::microseconds heartbeat_interval_{0};
  std::function<void()> heartbeat_beat_;            // none: no heartbeat
  std::unique_ptr<Heartbeat> heartbeat_;            // while run() is running
  std::unique_ptr<net::steady_timer> drain_timer_;  // while stop() waits for busy connections
};

}  // namespace

std::unique_ptr<Server> Server::create(ServerLimits limits) {
  return std::make_unique<ServerImpl>(limits);
}

}  // namespace mirrord::http
