// ConnectionRegistry: the set of open connections, so that stop() can close every one of them and
// the server can refuse connections beyond its limit. Each connection registers a closer (a
// function that closes its socket on the connection's own strand) and unregisters when it ends.
//
// Thread-safety: every member may be called from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <unordered_map>

namespace mirrord::http {

class ConnectionRegistry {
 public:
  using Closer = std::function<void()>;

  explicit ConnectionRegistry(std::size_t max_connections) : max_connections_(max_connections) {}

  // Returns the connection's id, or nullopt when the registry is full or closed: the caller
  // must then drop the connection.
  std::optional<std::uint64_t> add(Closer closer);
  void remove(std::uint64_t id);
  // Calls every closer once and refuses every later add().
  void close_all();
  bool closed() const;
  std::size_t size() const;

 private:
  const std::size_t max_connections_;
  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, Closer> closers_;
  std::uint64_t next_id_ = 0;
  bool closed_ = false;
};

}  // namespace mirrord::http
