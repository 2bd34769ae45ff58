#include "daemon/http/heartbeat.hpp"

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

namespace mirrord::http {
namespace {

namespace net = boost::asio;

class TimerHeartbeat final : public Heartbeat {
 public:
  TimerHeartbeat(net::io_context& main, std::vector<net::io_context*> others,
                 std::chrono::microseconds interval, std::function<void()> beat)
      : timer_(main),
        others_(std::move(others)),
        interval_(interval),
        beat_(std::move(beat)),
        unanswered_(std::make_shared<std::atomic<std::size_t>>(0)) {}

  void schedule() {
    timer_.expires_after(interval_);
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) {
        return;  // stopped
      }
      tick();
      schedule();
    });
  }

  void stop() override { timer_.cancel(); }

 private:
  // The main loop is alive (this runs on it); the others are when they ran the last probes.
  void tick() {
    if (unanswered_->load() != 0) {
      return;  // a loop has not come round since the last tick: no beat, no new probes
    }
    beat_();
    unanswered_->store(others_.size());
    for (net::io_context* loop : others_) {
      net::post(*loop, [unanswered = unanswered_] { unanswered->fetch_sub(1); });
    }
  }

  net::steady_timer timer_;
  const std::vector<net::io_context*> others_;
  const std::chrono::microseconds interval_;
  const std::function<void()> beat_;
  // Shared with the probes: a probe still queued when the heartbeat is gone touches only this.
  std::shared_ptr<std::atomic<std::size_t>> unanswered_;
};

}  // namespace

std::unique_ptr<Heartbeat> start_heartbeat(net::io_context& main,
                                           std::vector<net::io_context*> others,
                                           std::chrono::microseconds interval,
                                           std::function<void()> beat) {
  auto heartbeat =
      std::make_unique<TimerHeartbeat>(main, std::move(others), interval, std::move(beat));
  heartbeat->schedule();
  return heartbeat;
}

}  // namespace mirrord::http
