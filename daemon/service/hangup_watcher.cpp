#include "daemon/service/hangup_watcher.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <thread>

namespace mirrord::service {

namespace net = boost::asio;

struct HangupWatcher::State {
  explicit State(std::function<void()> callback)
      : on_hangup(std::move(callback)), signals(io, SIGHUP) {}

  void wait() {
    signals.async_wait([this](const boost::system::error_code& ec, int) {
      if (ec) {
        return;  // cancelled: the watcher is going away
      }
      on_hangup();
      wait();
    });
  }

  std::function<void()> on_hangup;
  net::io_context io{1};
  // Installed here, in the constructor's thread: from then on SIGHUP no longer ends the process.
  net::signal_set signals;
  std::thread thread;
};

HangupWatcher::HangupWatcher(std::function<void()> on_hangup)
    : state_(std::make_unique<State>(std::move(on_hangup))) {
  state_->wait();
  state_->thread = std::thread([state = state_.get()] { state->io.run(); });
}

HangupWatcher::~HangupWatcher() {
  net::post(state_->io, [state = state_.get()] {
    boost::system::error_code ec;
    state->signals.cancel(ec);
  });
  state_->thread.join();
}

}  // namespace mirrord::service
