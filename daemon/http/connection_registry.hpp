// ConnectionRegistry: the set of open connections, so that stop() can close every one of them and
// the server can refuse connections beyond its limit. Each connection registers a closer (a
// function that closes its socket on the connection's own strand) and unregisters when it ends.
// A connection is busy from the first byte of a request to the last byte of its response; a
// graceful stop closes the idle ones at once and lets the busy ones finish (close_idle), then
// closes what is left (close_all).
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
  // Marks a connection as serving a request (true) or waiting for the next one (false).
  void set_busy(std::uint64_t id, bool busy);
  // Refuses every later add() and closes the idle connections; the busy ones finish their
  // response and then close, since closed() forbids keep-alive.
  void close_idle();
  // Calls every closer once and refuses every later add().
  void close_all();
  bool closed() const;
  std::size_t size() const;

 private:
  const std::size_t max_connections_;
  mutable std::mutex mutex_;
  struct Entry {
    Closer closer;
    bool busy = false;
  };
  // Calls the closers of the entries `pick` selects, outside the lock (a closer may post work
  // that ends in remove()), and refuses every later add().
  template <class Pick>
  void close_where(Pick pick);

  std::unordered_map<std::uint64_t, Entry> closers_;
  std::uint64_t next_id_ = 0;
  bool closed_ = false;
};

}  // namespace mirrord::http
