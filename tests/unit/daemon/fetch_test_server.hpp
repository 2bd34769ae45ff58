// Test support for the CurlFetcher tests: a scripted HTTP/1.1 server on 127.0.0.1 port 0 (test
// code only). Each handler writes raw bytes, so the server can misbehave exactly as a test needs:
// stall, reset, lie about lengths, redirect in loops.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "daemon/fetch/fetcher.hpp"

namespace mirrord::fetch_test {

struct SeenRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  std::optional<std::string> header(std::string name) const {
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    for (const auto& [key, value] : headers) {
      std::string lower = key;
      std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
      if (lower == name) {
        return value;
      }
    }
    return std::nullopt;
  }
};

// One accepted connection, as a handler sees it.
class Connection {
 public:
  Connection(int fd, const std::atomic<bool>& stopping) : fd_(fd), stopping_(stopping) {}
  void send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) {
        return;
      }
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  // Closes with a TCP RST instead of a FIN.
  void reset() {
    linger hard{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
  }
  // Sends nothing more until the server stops or the client goes away.
  void stall() {
    while (!stopping_.load()) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) > 0) {
        char byte;
        if (::recv(fd_, &byte, 1, MSG_PEEK) <= 0) {
          return;
        }
      }
    }
  }

 private:
  int fd_;
  const std::atomic<bool>& stopping_;
};

using Handler = std::function<void(Connection&, const SeenRequest&)>;

inline std::string response(int status, std::string_view body, std::string extra_headers = "") {
  return "HTTP/1.1 " + std::to_string(status) +
         " X\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n" +
         extra_headers + "\r\n" + std::string(body);
}

class ScriptedServer {
 public:
  ScriptedServer() {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listener_, 16) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("cannot listen on 127.0.0.1");
    }
    port_ = ntohs(address.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~ScriptedServer() {
    stopping_ = true;
    acceptor_.join();
    for (auto& worker : workers_) {
      worker.join();
    }
    ::close(listener_);
  }

  int port() const { return port_; }
  std::string url(std::string_view target) const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(target);
  }
  void on(const std::string& target, Handler handler) {
    std::lock_guard lock(mutex_);
    handlers_[target] = std::move(handler);
  }
  std::vector<SeenRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  // Every connection gets these bytes at once, before anything is read (and then is closed).
  void greet_with(std::string bytes) {
    std::lock_guard lock(mutex_);
    greeting_ = std::move(bytes);
  }

 private:
  void accept_loop() {
    while (!stopping_.load()) {
      pollfd p{listener_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) {
        continue;
      }
      const int fd = ::accept(listener_, nullptr, nullptr);
      if (fd >= 0) {
        workers_.emplace_back([this, fd] { serve(fd); });
      }
    }
  }

  bool read_request(int fd, SeenRequest& request) {
    std::string data;
    while (data.find("\r\n\r\n") == std::string::npos) {
      if (!read_some(fd, data)) {
        return false;
      }
    }
    const auto head_end = data.find("\r\n\r\n");
    std::string head = data.substr(0, head_end);
    request.body = data.substr(head_end + 4);
    std::size_t line_end = head.find("\r\n");
    const std::string first = head.substr(0, line_end);
    request.method = first.substr(0, first.find(' '));
    request.target = first.substr(first.find(' ') + 1, first.rfind(' ') - first.find(' ') - 1);
    while (line_end != std::string::npos) {
      const auto start = line_end + 2;
      line_end = head.find("\r\n", start);
      const std::string line = head.substr(start, line_end - start);
      const auto colon = line.find(':');
      request.headers.emplace_back(line.substr(0, colon), line.substr(colon + 2));
    }
    const std::size_t length = std::stoul(request.header("Content-Length").value_or("0"));
    while (request.body.size() < length) {
      if (!read_some(fd, request.body)) {
        return false;
      }
    }
    return true;
  }

  bool read_some(int fd, std::string& into) {
    while (!stopping_.load()) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 20) > 0) {
        char buffer[4096];
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0) {
          return false;
        }
        into.append(buffer, static_cast<std::size_t>(n));
        return true;
      }
    }
    return false;
  }

  void serve(int fd) {
    std::string greeting;
    {
      std::lock_guard lock(mutex_);
      greeting = greeting_;
    }
    SeenRequest request;
    if (!greeting.empty()) {
      Connection(fd, stopping_).send(greeting);
    } else if (read_request(fd, request)) {
      Handler handler;
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(request);
        const auto it = handlers_.find(request.target);
        if (it != handlers_.end()) {
          handler = it->second;
        }
      }
      Connection connection(fd, stopping_);
      if (handler) {
        handler(connection, request);
      } else {
        connection.send(response(404, "no handler"));
      }
    }
    ::close(fd);
  }

  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::vector<std::thread> workers_;
  mutable std::mutex mutex_;
  std::map<std::string, Handler> handlers_;
  std::vector<SeenRequest> requests_;
  std::string greeting_;
};

inline Handler reply(std::string raw) {
  return [raw = std::move(raw)](Connection& c, const SeenRequest&) { c.send(raw); };
}

inline FetcherOptions quick_options() {
  FetcherOptions options;
  options.connect_timeout = std::chrono::seconds(5);
  options.low_speed_time = std::chrono::seconds(2);
  options.low_speed_limit = 100;
  options.total_timeout = std::chrono::seconds(60);
  options.max_redirects = 5;
  return options;
}

// Collects what the fetcher passes to its sink.
struct CollectingSink {
  std::string bytes;
  int calls = 0;
  BodySink sink() {
    return [this](std::span<const std::byte> chunk) {
      ++calls;
      bytes.append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
      return Status{};
    };
  }
};

inline FetchRequest get(const std::string& url) {
  FetchRequest request;
  request.url = url;
  return request;
}

class CurlFetcherTest : public ::testing::Test {
 protected:
  Result<FetchResponse> fetch(const FetchRequest& request, FetcherOptions options = quick_options(),
                              const std::atomic<bool>* cancel = nullptr) {
    return make_curl_fetcher(std::move(options))->fetch(request, body.sink(), cancel);
  }

  ScriptedServer server;
  CollectingSink body;
};

}  // namespace mirrord::fetch_test
