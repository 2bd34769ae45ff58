// The access log's batching: request lines wait in a per-thread batch until flushed (or until
// the batch would pass PIPE_BUF), are written whole, and an error line never overtakes them.
#include "daemon/http/access_log.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include <string>
#include <vector>

namespace mirrord::http {
namespace {

// Redirects stderr into a SOCK_SEQPACKET socket for the lifetime of the object, so that each
// write(2) arrives as one record.
class StderrCapture {
 public:
  StderrCapture() {
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sockets_), 0);
    saved_ = ::dup(STDERR_FILENO);
    ::dup2(sockets_[1], STDERR_FILENO);
  }
  ~StderrCapture() {
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
    ::close(sockets_[0]);
    ::close(sockets_[1]);
  }
  // Each write made since the last call.
  std::vector<std::string> writes() {
    std::vector<std::string> out;
    char buffer[65536];
    ssize_t n;
    while ((n = ::read(sockets_[0], buffer, sizeof buffer)) > 0)
      out.emplace_back(buffer, static_cast<std::size_t>(n));
    return out;
  }
  std::string take() {
    std::string out;
    for (const std::string& write : writes())
      out += write;
    return out;
  }

 private:
  int sockets_[2] = {-1, -1};
  int saved_ = -1;
};

Request request_for(const std::string& target) {
  Request request;
  request.method = "HEAD";
  request.target = target;
  request.request_id = "00000000000000aa";
  request.peer = "127.0.0.1:1";
  return request;
}

std::size_t count_lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

TEST(AccessLogTest, LinesWaitForTheFlushAndComeOutTogether) {
  StderrCapture capture;
  flush_request_log();
  capture.take();
  EXPECT_TRUE(log_request(request_for("/a"), 200, 0, {})) << "first line: schedule a flush";
  EXPECT_FALSE(log_request(request_for("/b"), 404, 12, {}));
  EXPECT_EQ(capture.take(), "") << "nothing is written before the flush";
  flush_request_log();
  const std::string written = capture.take();
  EXPECT_EQ(written,
            "<6>http method=HEAD target=/a status=200 bytes=0 ms=0 id=00000000000000aa "
            "peer=127.0.0.1:1\n"
            "<6>http method=HEAD target=/b status=404 bytes=12 ms=0 id=00000000000000aa "
            "peer=127.0.0.1:1\n");
  flush_request_log();
  EXPECT_EQ(capture.take(), "") << "a second flush writes nothing again";
}

TEST(AccessLogTest, ABatchNeverPassesPipeBufAndHoldsWholeLines) {
  StderrCapture capture;
  flush_request_log();
  capture.take();
  const std::string target = "/" + std::string(200, 'x');
  for (int i = 0; i < 100; ++i) {
    log_request(request_for(target), 200, 0, {});
  }
  // 100 lines of ~260 bytes cannot all wait: full batches went out on their own.
  std::vector<std::string> writes = capture.writes();
  EXPECT_GE(writes.size(), 5u);
  flush_request_log();
  for (std::string& last : capture.writes())
    writes.push_back(std::move(last));
  std::size_t lines = 0;
  for (const std::string& write : writes) {
    EXPECT_LE(write.size(), 4096u) << "a write larger than PIPE_BUF may interleave on a pipe";
    ASSERT_FALSE(write.empty());
    EXPECT_EQ(write.back(), '\n') << "only whole lines are written";
    lines += count_lines(write);
  }
  EXPECT_EQ(lines, 100u);
}

TEST(AccessLogTest, AnErrorLineComesAfterTheRequestLinesBeforeIt) {
  StderrCapture capture;
  flush_request_log();
  capture.take();
  log_request(request_for("/first"), 200, 0, {});
  log_server_error("something broke");
  const std::string written = capture.take();
  const auto request_line = written.find("/first");
  const auto error_line = written.find("<3>http error msg=\"something broke\"\n");
  ASSERT_NE(request_line, std::string::npos);
  ASSERT_NE(error_line, std::string::npos);
  EXPECT_LT(request_line, error_line);
}

TEST(AccessLogTest, HostileValuesAreQuotedSoTheyCannotForgeFieldsOrLines) {
  StderrCapture capture;
  flush_request_log();
  capture.take();
  log_request(request_for("/a status=999 \"x\\y\"\n<3>forged"), 200, 0, {});
  flush_request_log();
  EXPECT_EQ(capture.take(),
            "<6>http method=HEAD target=\"/a status=999 \\\"x\\\\y\\\"\\x0a<3>forged\" "
            "status=200 bytes=0 ms=0 id=00000000000000aa peer=127.0.0.1:1\n");
}

TEST(AccessLogTest, LogValuesAreBareOnlyWhenSafe) {
  std::string line;
  append_log_value(line, "plain/value-1.2");
  EXPECT_EQ(line, "plain/value-1.2");
  line.clear();
  append_log_value(line, "");
  EXPECT_EQ(line, "\"\"");
  line.clear();
  append_log_value(line, "two words");
  EXPECT_EQ(line, "\"two words\"");
}

}  // namespace
}  // namespace mirrord::http
