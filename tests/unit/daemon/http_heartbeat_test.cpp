#include "daemon/http/heartbeat.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <thread>

namespace mirrord::http {
namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;

// Runs `loop` on its own thread until stopped; an idle loop is kept alive by a work guard.
class LoopThread {
 public:
  explicit LoopThread(net::io_context& loop) : loop_(loop), guard_(loop.get_executor()) {
    thread_ = std::thread([this] { loop_.run(); });
  }
  ~LoopThread() {
    guard_.reset();
    loop_.stop();
    thread_.join();
  }

 private:
  net::io_context& loop_;
  net::executor_work_guard<net::io_context::executor_type> guard_;
  std::thread thread_;
};

// Runs the main loop for `duration` and returns how many beats it made.
int beats_during(net::io_context& main, std::atomic<int>& beats, std::chrono::milliseconds d) {
  const int before = beats.load();
  main.restart();
  main.run_for(d);
  return beats.load() - before;
}

TEST(HeartbeatTest, BeatsEveryIntervalWhileEveryLoopTurns) {
  net::io_context main, other;
  LoopThread other_thread(other);
  std::atomic<int> beats{0};
  auto heartbeat = start_heartbeat(main, {&other}, 20ms, [&] { ++beats; });
  const int counted = beats_during(main, beats, 400ms);
  EXPECT_GE(counted, 5);  // 20 expected; a loaded machine delays timers, it does not add beats
  EXPECT_LE(counted, 20);
  heartbeat->stop();
}

TEST(HeartbeatTest, StopsBeatingWhileAnotherLoopHangsAndResumesAfter) {
  net::io_context main, other;
  std::atomic<int> beats{0};
  auto heartbeat = start_heartbeat(main, {&other}, 20ms, [&] { ++beats; });
  // `other` is not running: a loop stuck in a handler looks the same from outside.
  EXPECT_LE(beats_during(main, beats, 300ms), 1);
  {
    LoopThread other_thread(other);
    EXPECT_GE(beats_during(main, beats, 400ms), 5);
  }
  heartbeat->stop();
}

TEST(HeartbeatTest, StopLetsTheMainLoopRunOutOfWork) {
  net::io_context main;
  std::atomic<int> beats{0};
  auto heartbeat = start_heartbeat(main, {}, 10ms, [&] { ++beats; });
  net::post(main, [&] { heartbeat->stop(); });
  const auto started = std::chrono::steady_clock::now();
  main.run();  // returns only when the timer is gone
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
  EXPECT_EQ(beats.load(), 0);
}

}  // namespace
}  // namespace mirrord::http
