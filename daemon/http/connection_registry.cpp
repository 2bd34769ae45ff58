#include "daemon/http/connection_registry.hpp"

#include <vector>

namespace mirrord::http {

std::optional<std::uint64_t> ConnectionRegistry::add(Closer closer) {
  std::lock_guard lock(mutex_);
  if (closed_ || closers_.size() >= max_connections_)
    return std::nullopt;
  std::uint64_t id = next_id_++;
  closers_.emplace(id, std::move(closer));
  return id;
}

void ConnectionRegistry::remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  closers_.erase(id);
}

void ConnectionRegistry::close_all() {
  std::vector<Closer> closers;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    closers.reserve(closers_.size());
    for (auto& [id, closer] : closers_)
      closers.push_back(closer);
  }
  // Called outside the lock: a closer may post work that ends in remove().
  for (auto& closer : closers)
    closer();
}

bool ConnectionRegistry::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

std::size_t ConnectionRegistry::size() const {
  std::lock_guard lock(mutex_);
  return closers_.size();
}

}  // namespace mirrord::http
