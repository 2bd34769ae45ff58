// A real Server on 127.0.0.1:0 (and on a Unix socket), driven by a raw-socket client so that
// malformed and hostile requests can be sent byte for byte.
#include "daemon/http/server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include "daemon/http/blob_response.hpp"
#include "daemon/http/cors.hpp"

namespace mirrord::http {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// ---- the raw client -------------------------------------------------------------------------

void set_receive_timeout(int fd, std::chrono::seconds timeout) {
  timeval tv{static_cast<time_t>(timeout.count()), 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

// `receive_buffer` > 0 shrinks the client's window so that the server must wait for writability.
UniqueFd connect_tcp(std::uint16_t port, int receive_buffer = 0) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (receive_buffer > 0) {
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    throw std::runtime_error(std::string("connect: ") + std::strerror(errno));
  }
  set_receive_timeout(fd.get(), 10s);
  return fd;
}

UniqueFd connect_unix(const fs::path& path) {
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    throw std::runtime_error(std::string("connect unix: ") + std::strerror(errno));
  }
  set_receive_timeout(fd.get(), 10s);
  return fd;
}

// Sends everything; a peer that closed early (EPIPE/ECONNRESET) is not an error here, since
// several tests expect the server to stop reading.
void send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0)
      return;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;

  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
  bool has(const std::string& lower_name) const { return headers.count(lower_name) > 0; }
};

class RawClient {
 public:
  explicit RawClient(UniqueFd fd) : fd_(std::move(fd)) {}

  void send(std::string_view data) { send_all(fd_.get(), data); }

  // Reads one response; the body is read by Content-Length unless the request was a HEAD.
  std::optional<RawResponse> read_response(bool head_request = false) {
    auto end = std::string::npos;
    while ((end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill())
        return std::nullopt;
    }
    RawResponse response;
    std::string head = pending_.substr(0, end);
    pending_.erase(0, end + 4);
    auto line_end = head.find("\r\n");
    std::string status_line = head.substr(0, line_end);
    if (status_line.rfind("HTTP/1.", 0) != 0)
      return std::nullopt;
    response.status = std::stoi(status_line.substr(9, 3));
    std::size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      auto next = head.find("\r\n", pos);
      if (next == std::string::npos)
        next = head.size();
      std::string line = head.substr(pos, next - pos);
      auto colon = line.find(':');
      std::string name = line.substr(0, colon);
      for (char& c : name)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      response.headers[name] = value;
      pos = next + 2;
    }
    std::size_t length = response.has("content-length") && !head_request
                             ? std::stoull(response.header("content-length"))
                             : 0;
    while (pending_.size() < length) {
      if (!fill())
        return std::nullopt;
    }
    response.body = pending_.substr(0, length);
    pending_.erase(0, length);
    return response;
  }

  // True when the server closed the connection (EOF or reset) with nothing more to read.
  bool closed_by_server() {
    if (!pending_.empty())
      return false;
    char byte;
    ssize_t n = ::recv(fd_.get(), &byte, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

  // Bytes already received but not consumed as a response.
  const std::string& pending() const { return pending_; }

 private:
  bool fill() {
    char buffer[65536];
    ssize_t n = ::recv(fd_.get(), buffer, sizeof buffer, 0);
    if (n <= 0)
      return false;
    pending_.append(buffer, static_cast<std::size_t>(n));
    return true;
  }

  UniqueFd fd_;
  std::string pending_;
};

std::string get(std::string_view target, std::string_view extra_headers = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: t\r\n" + std::string(extra_headers) +
         "\r\n";
}

// ---- the server under test ------------------------------------------------------------------

// The same pseudo-random bytes for every test, generated once.
const std::string& blob_bytes(std::size_t size) {
  static const std::string bytes = [size] {
    std::mt19937_64 engine(42);
    std::string out(size, '\0');
    for (std::size_t i = 0; i + 8 <= size; i += 8) {
      std::uint64_t word = engine();
      std::memcpy(out.data() + i, &word, 8);
    }
    return out;
  }();
  return bytes;
}

class ServerTest : public ::testing::Test {
 protected:
  static constexpr std::size_t kBlobSize = 8 << 20;  // large enough to fill the socket buffer

  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mirrord-http-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    blob_bytes_ = blob_bytes(kBlobSize);
    std::ofstream(dir_ / "blob", std::ios::binary) << blob_bytes_;
  }

  void TearDown() override {
    stop_server();
    fs::remove_all(dir_);
  }

  void start_server(ServerLimits limits = test_limits()) {
    server_ = Server::create(limits);
    auto port = server_->listen_tcp("127.0.0.1", 0, [this](const Request& r) { return handle(r); });
    ASSERT_TRUE(port) << port.error().message;
    port_ = *port;
    ASSERT_NE(port_, 0);
    run_result_ = std::async(std::launch::async, [this] { server_->run(2); });
  }

  void stop_server() {
    if (!server_)
      return;
    server_->stop();
    if (run_result_.valid()) {
      ASSERT_EQ(run_result_.wait_for(10s), std::future_status::ready) << "run() did not return";
    }
    server_.reset();
  }

  static ServerLimits test_limits() {
    ServerLimits limits;
    limits.max_header_bytes = 2048;
    limits.max_body_bytes = 1024;
    limits.header_timeout = 5s;
    limits.idle_timeout = 5s;
    limits.write_timeout = 5s;
    limits.drain_timeout = 2s;
    return limits;
  }

  Response handle(const Request& request) {
    ++handled_;
    {
      std::lock_guard lock(last_request_mutex_);
      last_request_ = request;
    }
    if (request.method == "OPTIONS")
      return cors_preflight();
    if (request.path == "/throw")
      throw std::runtime_error("handler bug");
    if (request.path == "/blob") {
      auto fd = std::make_shared<UniqueFd>(::open((dir_ / "blob").c_str(), O_RDONLY | O_CLOEXEC));
      Headers headers;
      headers.add("ETag", "\"blob-etag\"");
      return blob_response(request, fd, kBlobSize, std::move(headers), "\"blob-etag\"");
    }
    if (request.method == "POST")
      return text_response(200, "got:" + request.body);
    if (request.method != "GET" && request.method != "HEAD") {
      return json_response(405, R"({"error":"method not allowed"})");
    }
    Response response = text_response(200, "hello world");
    response.headers.add("X-Path", request.path);
    response.headers.add("X-Query", request.query);
    return response;
  }

  RawClient connect() { return RawClient(connect_tcp(port_)); }

  fs::path dir_;
  std::string blob_bytes_;
  std::unique_ptr<Server> server_;
  std::future<void> run_result_;
  std::uint16_t port_ = 0;
  std::atomic<int> handled_{0};
  Request last_request() {
    std::lock_guard lock(last_request_mutex_);
    return last_request_;
  }

  std::mutex last_request_mutex_;
  Request last_request_;
};

TEST_F(ServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  start_server();
  RawClient client = connect();
  client.send(get("/first"));
  auto first = client.read_response();
  ASSERT_TRUE(first);
  client.send(get("/second?x=1"));
  auto second = client.read_response();
  ASSERT_TRUE(second);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->body, "hello world");
  EXPECT_EQ(first->header("x-path"), "/first");
  EXPECT_EQ(second->header("x-path"), "/second");
  EXPECT_EQ(second->header("x-query"), "x=1");
  EXPECT_EQ(first->header("server"), "mirrord");
  EXPECT_TRUE(first->has("date"));
  EXPECT_EQ(first->header("content-length"), "11");
  EXPECT_FALSE(first->header("x-request-id").empty());
  EXPECT_NE(first->header("x-request-id"), second->header("x-request-id"));
  EXPECT_EQ(handled_, 2);
}

struct Observed {
  std::string path;
  int status = 0;
  std::uint64_t body_bytes = 0;
  std::string request_id;
};

TEST_F(ServerTest, TheObserverSeesEachRequestWithItsStatusBodyBytesAndRequestId) {
  std::mutex mutex;
  std::vector<Observed> seen;
  server_ = Server::create(test_limits());
  server_->set_request_observer([&](const Request& request, int status, std::uint64_t bytes) {
    std::lock_guard lock(mutex);
    seen.push_back({request.path, status, bytes, request.request_id});
  });
  auto port = server_->listen_tcp("127.0.0.1", 0, [this](const Request& r) { return handle(r); });
  ASSERT_TRUE(port) << port.error().message;
  port_ = *port;
  run_result_ = std::async(std::launch::async, [this] { server_->run(2); });
  RawClient client = connect();
  client.send(get("/hello", "X-Request-Id: lb-1.a\r\n"));
  auto hello = client.read_response();
  ASSERT_TRUE(hello);
  EXPECT_EQ(hello->header("x-request-id"), "lb-1.a") << "a sane client id is kept";
  client.send(get("/blob", "X-Request-Id: not sane\r\n"));
  auto blob = client.read_response();
  ASSERT_TRUE(blob);
  EXPECT_EQ(blob->header("x-request-id").size(), 16u) << "an insane one is replaced";
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  for (;;) {
    {
      std::lock_guard lock(mutex);
      if (seen.size() >= 2 || std::chrono::steady_clock::now() > deadline)
        break;
    }
    std::this_thread::sleep_for(10ms);
  }
  stop_server();  // no call may come after `seen` is gone
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].path, "/hello");
  EXPECT_EQ(seen[0].status, 200);
  EXPECT_EQ(seen[0].body_bytes, 11u);
  EXPECT_EQ(seen[0].request_id, "lb-1.a");
  EXPECT_EQ(seen[1].path, "/blob");
  EXPECT_EQ(seen[1].body_bytes, kBlobSize) << "sendfile bodies are counted too";
  EXPECT_EQ(seen[1].request_id, blob->header("x-request-id"));
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  start_server();
  RawClient client = connect();
  client.send(get("/a") + get("/b") + get("/c"));
  for (const char* path : {"/a", "/b", "/c"}) {
    auto response = client.read_response();
    ASSERT_TRUE(response) << path;
    EXPECT_EQ(response->header("x-path"), path);
  }
}

TEST_F(ServerTest, RequestFieldsAreRawAndComplete) {
  start_server();
  RawClient client = connect();
  client.send(get("/a%2Fb/c?recursive=true&x=%20", "X-Custom: v1\r\n"));
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->header("x-path"), "/a%2Fb/c");
  EXPECT_EQ(response->header("x-query"), "recursive=true&x=%20");
  EXPECT_EQ(last_request().method, "GET");
  EXPECT_EQ(last_request().target, "/a%2Fb/c?recursive=true&x=%20");
  EXPECT_EQ(last_request().headers.get("x-custom"), "v1");
  EXPECT_EQ(last_request().request_id, response->header("x-request-id"));
  EXPECT_TRUE(last_request().peer.starts_with("127.0.0.1:"));
}

TEST_F(ServerTest, HeadHasNoBodyButTheContentLengthOfGet) {
  start_server();
  RawClient client = connect();
  client.send("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n");
  auto head = client.read_response(/*head_request=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("content-length"), "11");
  // Had the HEAD carried a body, its bytes would sit in front of the next status line.
  client.send(get("/hello"));
  auto next = client.read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(next->body, "hello world");
}

TEST_F(ServerTest, HeadOfABlobRangeSendsHeadersOnly) {
  start_server();
  RawClient client = connect();
  client.send("HEAD /blob HTTP/1.1\r\nHost: t\r\nRange: bytes=10-19\r\n\r\n");
  auto head = client.read_response(true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 206);
  EXPECT_EQ(head->header("content-length"), "10");
  EXPECT_EQ(head->header("content-range"), "bytes 10-19/" + std::to_string(kBlobSize));
  client.send(get("/hello"));
  auto next = client.read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "hello world");
}

TEST_F(ServerTest, FileBodyIsServedByteExact) {
  start_server();
  RawClient client = connect();
  client.send(get("/blob"));
  auto full = client.read_response();
  ASSERT_TRUE(full);
  EXPECT_EQ(full->status, 200);
  EXPECT_EQ(full->header("content-length"), std::to_string(kBlobSize));
  EXPECT_EQ(full->header("accept-ranges"), "bytes");
  EXPECT_TRUE(full->body == blob_bytes_);

  client.send(get("/blob", "Range: bytes=1000-3000999\r\n"));
  auto range = client.read_response();
  ASSERT_TRUE(range);
  EXPECT_EQ(range->status, 206);
  EXPECT_EQ(range->header("content-range"), "bytes 1000-3000999/" + std::to_string(kBlobSize));
  EXPECT_EQ(range->header("content-length"), "3000000");
  EXPECT_TRUE(range->body == blob_bytes_.substr(1000, 3000000));

  client.send(get("/blob", "Range: bytes=-5\r\n"));
  auto suffix = client.read_response();
  ASSERT_TRUE(suffix);
  EXPECT_EQ(suffix->body, blob_bytes_.substr(kBlobSize - 5));
}

TEST_F(ServerTest, SlowReaderStillGetsEveryByte) {
  start_server();
  RawClient client(connect_tcp(port_, 16 * 1024));
  client.send(get("/blob", "Range: bytes=7-\r\n"));
  std::this_thread::sleep_for(300ms);  // the server fills the window and has to wait
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 206);
  EXPECT_TRUE(response->body == blob_bytes_.substr(7));
}

TEST_F(ServerTest, ReaderThatStallsPastTheWriteTimeoutIsDropped) {
  ServerLimits limits = test_limits();
  limits.write_timeout = 1s;
  start_server(limits);
  RawClient client(connect_tcp(port_, 16 * 1024));
  client.send(get("/blob"));
  std::this_thread::sleep_for(2500ms);
  auto response = client.read_response();
  EXPECT_FALSE(response);  // the connection ended before the promised 8 MiB
  EXPECT_LT(client.pending().size(), kBlobSize);
  // The server is still serving others.
  RawClient other = connect();
  other.send(get("/hello"));
  EXPECT_TRUE(other.read_response());
}

TEST_F(ServerTest, ConcurrentClientsAreEachServedCorrectly) {
  start_server();
  std::atomic<int> good{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 16; ++c) {
    clients.emplace_back([&, c] {
      RawClient client = connect();
      for (int i = 0; i < 25; ++i) {
        std::uint64_t first = static_cast<std::uint64_t>(c * 1000 + i * 37);
        client.send(get("/blob", "Range: bytes=" + std::to_string(first) + "-" +
                                     std::to_string(first + 999) + "\r\n"));
        auto response = client.read_response();
        if (response && response->status == 206 &&
            response->body == blob_bytes_.substr(first, 1000)) {
          ++good;
        }
      }
    });
  }
  for (auto& client : clients)
    client.join();
  EXPECT_EQ(good, 16 * 25);
}

TEST_F(ServerTest, UnsatisfiableRangeGets416WithEmptyBody) {
  start_server();
  RawClient client = connect();
  client.send(get("/blob", "Range: bytes=" + std::to_string(kBlobSize) + "-\r\n"));
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 416);
  EXPECT_EQ(response->header("content-range"), "bytes */" + std::to_string(kBlobSize));
  EXPECT_EQ(response->header("content-length"), "0");
  client.send(get("/hello"));  // the connection is still usable
  auto next = client.read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(ServerTest, MalformedRequestLineGets400AndTheServerKeepsServing) {
  start_server();
  RawClient bad = connect();
  bad.send("GARBAGE\r\n\r\n");
  auto refused = bad.read_response();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400);
  EXPECT_EQ(refused->header("connection"), "close");
  EXPECT_TRUE(bad.closed_by_server());
  EXPECT_EQ(handled_, 0);

  RawClient good = connect();
  good.send(get("/hello"));
  auto response = good.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
}

TEST_F(ServerTest, TargetNotInOriginFormGets400) {
  start_server();
  RawClient client = connect();
  client.send("GET http://evil.example/x HTTP/1.1\r\nHost: t\r\n\r\n");
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_TRUE(client.closed_by_server());
  EXPECT_EQ(handled_, 0);
}

TEST_F(ServerTest, AsteriskOptionsReachesTheHandler) {
  start_server();
  RawClient client = connect();
  client.send("OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n");
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 204);
  EXPECT_EQ(response->header("access-control-max-age"), "86400");
  EXPECT_FALSE(response->has("content-length"));
}

TEST_F(ServerTest, ContentLengthWithTransferEncodingGets400AndCloses) {
  start_server();
  for (std::string framing : {"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
                              "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
                              "Transfer-Encoding: gzip\r\nContent-Length: 5\r\n",
                              "Content-Length: 5\r\nContent-Length: 5\r\n",
                              "Content-Length: 5\r\nContent-Length: 6\r\n"}) {
    RawClient client = connect();
    client.send("POST /echo HTTP/1.1\r\nHost: t\r\n" + framing + "\r\n5\r\nhello\r\n0\r\n\r\n");
    auto response = client.read_response();
    ASSERT_TRUE(response) << framing;
    EXPECT_EQ(response->status, 400) << framing;
    EXPECT_TRUE(client.closed_by_server()) << framing;
  }
  EXPECT_EQ(handled_, 0);
}

TEST_F(ServerTest, PostBodyReachesTheHandler) {
  start_server();
  RawClient client = connect();
  client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello");
  auto plain = client.read_response();
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->body, "got:hello");
  client.send(
      "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  auto chunked = client.read_response();
  ASSERT_TRUE(chunked);
  EXPECT_EQ(chunked->body, "got:abcde");
}

TEST_F(ServerTest, ExpectContinueIsAnswered) {
  start_server();
  RawClient client = connect();
  client.send(
      "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n");
  auto interim = client.read_response();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  client.send("ok");
  auto final_response = client.read_response();
  ASSERT_TRUE(final_response);
  EXPECT_EQ(final_response->body, "got:ok");
}

TEST_F(ServerTest, HeadersOverTheLimitGet431) {
  start_server();
  RawClient client = connect();
  client.send(get("/hello", "X-Big: " + std::string(4096, 'a') + "\r\n"));
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 431);
  EXPECT_TRUE(client.closed_by_server());
  EXPECT_EQ(handled_, 0);
}

TEST_F(ServerTest, HeadersJustUnderTheLimitAreServed) {
  start_server();
  RawClient client = connect();
  client.send(get("/hello", "X-Big: " + std::string(1500, 'a') + "\r\n"));
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
}

TEST_F(ServerTest, BodyOverTheLimitGets413) {
  start_server();
  RawClient declared = connect();
  declared.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4096\r\n\r\n" +
                std::string(4096, 'x'));
  auto response = declared.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_TRUE(declared.closed_by_server());

  RawClient chunked = connect();
  chunked.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n" +
               std::string(2048, 'y') + "\r\n0\r\n\r\n");
  auto chunked_response = chunked.read_response();
  ASSERT_TRUE(chunked_response);
  EXPECT_EQ(chunked_response->status, 413);
  EXPECT_EQ(handled_, 0);
}

TEST_F(ServerTest, BodyOnGetGets400) {
  start_server();
  RawClient client = connect();
  client.send("GET /hello HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc");
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(handled_, 0);
}

TEST_F(ServerTest, HandlerExceptionGives500AndTheConnectionLives) {
  start_server();
  RawClient client = connect();
  client.send(get("/throw"));
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 500);
  EXPECT_EQ(response->header("content-type"), "application/json; charset=utf-8");
  client.send(get("/hello"));
  auto next = client.read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(ServerTest, UnknownMethodReachesTheHandler) {
  start_server();
  RawClient client = connect();
  client.send("BREW /pot HTTP/1.1\r\nHost: t\r\n\r\n");
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 405);
  EXPECT_EQ(last_request().method, "BREW");
}

TEST_F(ServerTest, Http10ClosesUnlessKeepAliveIsAsked) {
  start_server();
  RawClient once = connect();
  once.send("GET /hello HTTP/1.0\r\n\r\n");
  auto response = once.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, "hello world");
  EXPECT_TRUE(once.closed_by_server());

  RawClient kept = connect();
  kept.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  auto first = kept.read_response();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->header("connection"), "keep-alive");
  kept.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_TRUE(kept.read_response());
}

TEST_F(ServerTest, ConnectionCloseIsHonoured) {
  start_server();
  RawClient client = connect();
  client.send(get("/hello", "Connection: close\r\n"));
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->header("connection"), "close");
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(ServerTest, IdleAndStalledConnectionsAreClosed) {
  ServerLimits limits = test_limits();
  limits.idle_timeout = 1s;
  limits.header_timeout = 1s;
  start_server(limits);
  RawClient idle = connect();
  idle.send(get("/hello"));
  ASSERT_TRUE(idle.read_response());
  RawClient stalled = connect();
  stalled.send("GET /hello HTTP/1.1\r\nHost: t\r\n");  // the head never ends
  auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(idle.closed_by_server());
  EXPECT_TRUE(stalled.closed_by_server());
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST_F(ServerTest, StopMakesRunReturnAndClosesConnections) {
  start_server();
  RawClient client = connect();
  client.send(get("/hello"));
  ASSERT_TRUE(client.read_response());
  server_->stop();
  ASSERT_EQ(run_result_.wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(client.closed_by_server());
  EXPECT_THROW(connect_tcp(port_), std::runtime_error);  // the acceptor is closed
}

// stop() closes each listener on its own loop, so the port refuses connections a moment later,
// not at once: true when it does within two seconds.
bool refuses_connections_soon(std::uint16_t port) {
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      connect_tcp(port);
    } catch (const std::runtime_error&) {
      return true;
    }
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

TEST_F(ServerTest, StopLetsAResponseInProgressFinish) {
  start_server();
  RawClient slow(connect_tcp(port_, 16 * 1024));
  RawClient idle = connect();
  idle.send(get("/hello"));
  ASSERT_TRUE(idle.read_response());
  slow.send(get("/blob"));
  std::this_thread::sleep_for(200ms);  // the server fills the window and waits to send more
  server_->stop();
  EXPECT_TRUE(idle.closed_by_server());
  EXPECT_TRUE(refuses_connections_soon(port_));  // no new connections
  auto response = slow.read_response();
  ASSERT_TRUE(response) << "the download in progress was cut";
  EXPECT_TRUE(response->body == blob_bytes_);
  EXPECT_TRUE(slow.closed_by_server());  // no keep-alive while stopping
  ASSERT_EQ(run_result_.wait_for(5s), std::future_status::ready);
}

TEST_F(ServerTest, StopClosesWhatOutlastsTheDrainTimeout) {
  ServerLimits limits = test_limits();
  limits.drain_timeout = 1s;
  limits.write_timeout = 30s;
  start_server(limits);
  RawClient stalled(connect_tcp(port_, 16 * 1024));
  stalled.send(get("/blob"));
  std::this_thread::sleep_for(200ms);
  const auto stopped = std::chrono::steady_clock::now();
  server_->stop();
  ASSERT_EQ(run_result_.wait_for(5s), std::future_status::ready);
  EXPECT_GE(std::chrono::steady_clock::now() - stopped, 900ms);
  EXPECT_FALSE(stalled.read_response());
  EXPECT_LT(stalled.pending().size(), kBlobSize);
}

TEST_F(ServerTest, SigtermMakesRunReturn) {
  start_server();
  RawClient client = connect();
  client.send(get("/hello"));
  // A served request proves run() is inside the event loop, so its signal_set is installed.
  ASSERT_TRUE(client.read_response());
  ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);
  ASSERT_EQ(run_result_.wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(ServerTest, StopBeforeRunStillLetsRunReturn) {
  server_ = Server::create(test_limits());
  ASSERT_TRUE(server_->listen_tcp("127.0.0.1", 0, [](const Request&) { return Response{}; }));
  server_->stop();
  auto done = std::async(std::launch::async, [this] { server_->run(1); });
  EXPECT_EQ(done.wait_for(5s), std::future_status::ready);
}

TEST_F(ServerTest, PortInUseIsAnError) {
  server_ = Server::create(test_limits());
  auto first = server_->listen_tcp("127.0.0.1", 0, [](const Request&) { return Response{}; });
  ASSERT_TRUE(first);
  auto taken = server_->listen_tcp("127.0.0.1", *first, [](const Request&) { return Response{}; });
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code, ErrorCode::kConflict);
}

// ---- the Unix socket listener ---------------------------------------------------------------

class UnixServerTest : public ServerTest {
 protected:
  fs::path socket_path() const { return dir_ / "admin.sock"; }

  Status listen_unix() {
    server_ = Server::create(test_limits());
    auto status = server_->listen_unix(socket_path(), 0660, [](const Request& request) {
      return json_response(200, "{\"path\":\"" + request.path + "\"}");
    });
    if (status)
      run_result_ = std::async(std::launch::async, [this] { server_->run(1); });
    return status;
  }
};

TEST_F(UnixServerTest, ListenerWithMode0660AnswersARequest) {
  ASSERT_TRUE(listen_unix());
  struct stat info {};
  ASSERT_EQ(::stat(socket_path().c_str(), &info), 0);
  EXPECT_TRUE(S_ISSOCK(info.st_mode));
  EXPECT_EQ(info.st_mode & 0777, 0660u);
  RawClient client(connect_unix(socket_path()));
  client.send(get("/v1/status"));
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, R"({"path":"/v1/status"})");
  EXPECT_FALSE(response->header("x-request-id").empty());
}

TEST_F(UnixServerTest, PathTooLongIsAnError) {
  server_ = Server::create(test_limits());
  fs::path long_path = dir_ / (std::string(200, 'x') + ".sock");
  EXPECT_FALSE(server_->listen_unix(long_path, 0660, [](const Request&) { return Response{}; }));
}

TEST_F(UnixServerTest, StaleSocketFileIsReplaced) {
  {
    // A socket file left behind by a server that died without unlinking it.
    UniqueFd stale(::socket(AF_UNIX, SOCK_STREAM, 0));
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, socket_path().c_str(), sizeof address.sun_path - 1);
    ASSERT_EQ(::bind(stale.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  }
  ASSERT_TRUE(fs::exists(socket_path()));
  ASSERT_TRUE(listen_unix());
  RawClient client(connect_unix(socket_path()));
  client.send(get("/x"));
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
}

TEST_F(UnixServerTest, RefusesToReplaceARegularFileOrALiveSocket) {
  std::ofstream(socket_path()) << "not a socket";
  server_ = Server::create(test_limits());
  EXPECT_FALSE(
      server_->listen_unix(socket_path(), 0660, [](const Request&) { return Response{}; }));
  EXPECT_TRUE(fs::is_regular_file(socket_path()));  // untouched
  fs::remove(socket_path());
  server_.reset();

  ASSERT_TRUE(listen_unix());
  auto second = Server::create(test_limits());
  EXPECT_FALSE(second->listen_unix(socket_path(), 0660, [](const Request&) { return Response{}; }));
  RawClient client(connect_unix(socket_path()));  // the first server still owns it
  client.send(get("/still"));
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
}

}  // namespace
}  // namespace mirrord::http
