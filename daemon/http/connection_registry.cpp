#include "daemon/http/connection_registry.hpp"

#include <vector>

namespace mirrord::http {

std::optional<std::uint64_t> ConnectionRegistry::add(Closer closer) {
  std::lock_guard lock(mutex_);
  if (closed_ || closers_.size() >= max_connections_)
    return std::nullopt;
  std::uint64_t id = next_id_++;
  closers_.emplace(id, Entry{std::move(closer), false});
  return id;
}

void ConnectionRegistry::remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  closers_.erase(id);
}

void ConnectionRegistry::set_busy(std::uint64_t id, bool busy) {
  std::lock_guard lock(mutex_);
  if (auto it = closers_.find(id); it != closers_.end())
    it->second.busy = busy;
}

template <class Pick>
void ConnectionRegistry::close_where(Pick pick) {
  std::vector<Closer> closers;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    for (auto& [id, entry] : closers_) {
      if (pick(entry))
        closers.push_back(entry.closer);
    }
  }
  for (auto& closer : closers)
    closer();
}

void ConnectionRegistry::close_idle() {
  close_where([](const Entry& entry) { return !entry.busy; });
}

void ConnectionRegistry::close_all() {
  close_where([](const Entry&) { return true; });
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
