// FakeAdminServer: a minimal HTTP/1.1 server on a Unix socket in a temporary directory, standing
// in for mirrord's admin API in mirrorctl's tests. Each connection carries one request and is
// closed after the answer ("Connection: close"). The handler runs on the server's thread; every
// request is recorded so tests can assert what mirrorctl asked for.
#pragma once

#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace mirrord::cli::testing {

struct FakeRequest {
  std::string method;
  std::string target;
  std::string body;
};

struct FakeReply {
  int status = 200;
  std::string body;
};

class FakeAdminServer {
 public:
  using Handler = std::function<FakeReply(const FakeRequest&)>;

  explicit FakeAdminServer(Handler handler) : handler_(std::move(handler)) {
    std::string dir = (std::filesystem::temp_directory_path() / "mirrorctl-test-XXXXXX").string();
    if (::mkdtemp(dir.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed");
    }
    dir_ = dir;
    socket_path_ = (dir_ / "admin.sock").string();
    listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, socket_path_.c_str(), sizeof address.sun_path - 1);
    if (listen_fd_ < 0 ||
        ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listen_fd_, 16) != 0) {
      throw std::runtime_error("cannot listen on " + socket_path_);
    }
    thread_ = std::thread([this] { serve(); });
  }

  ~FakeAdminServer() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  FakeAdminServer(const FakeAdminServer&) = delete;
  FakeAdminServer& operator=(const FakeAdminServer&) = delete;

  const std::string& socket_path() const { return socket_path_; }

  std::vector<FakeRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void serve() {
    while (!stop_) {
      pollfd waiting{listen_fd_, POLLIN, 0};
      if (::poll(&waiting, 1, 20) <= 0) {
        continue;
      }
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0) {
        answer(fd);
        ::close(fd);
      }
    }
  }

  static std::string header_value(const std::string& head, const std::string& name) {
    const std::size_t at = head.find("\r\n" + name + ": ");
    if (at == std::string::npos) {
      return {};
    }
    const std::size_t start = at + name.size() + 4;
    return head.substr(start, head.find("\r\n", start) - start);
  }

  void answer(int fd) {
    std::string data;
    char buffer[4096];
    std::size_t head_end = std::string::npos;
    while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
      const ssize_t got = ::read(fd, buffer, sizeof buffer);
      if (got <= 0) {
        return;
      }
      data.append(buffer, static_cast<std::size_t>(got));
    }
    const std::string head = data.substr(0, head_end);
    const std::string length = header_value(head, "Content-Length");
    const std::size_t body_size = length.empty() ? 0 : std::stoul(length);
    std::string body = data.substr(head_end + 4);
    while (body.size() < body_size) {
      const ssize_t got = ::read(fd, buffer, sizeof buffer);
      if (got <= 0) {
        return;
      }
      body.append(buffer, static_cast<std::size_t>(got));
    }
    const std::size_t space = head.find(' ');
    FakeRequest request{head.substr(0, space),
                        head.substr(space + 1, head.find(' ', space + 1) - space - 1), body};
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
    }
    const FakeReply reply = handler_(request);
    const std::string response = "HTTP/1.1 " + std::to_string(reply.status) +
                                 " X\r\nContent-Type: application/json\r\nContent-Length: " +
                                 std::to_string(reply.body.size()) +
                                 "\r\nConnection: close\r\n\r\n" + reply.body;
    std::size_t sent = 0;
    while (sent < response.size()) {
      const ssize_t wrote = ::write(fd, response.data() + sent, response.size() - sent);
      if (wrote <= 0) {
        return;
      }
      sent += static_cast<std::size_t>(wrote);
    }
  }

  Handler handler_;
  std::filesystem::path dir_;
  std::string socket_path_;
  int listen_fd_ = -1;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<FakeRequest> requests_;
};

}  // namespace mirrord::cli::testing
