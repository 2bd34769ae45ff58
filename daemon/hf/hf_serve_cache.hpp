// GenerationCache: answers kept in memory until the catalog generation changes (a publish), so
// that hot metadata (a repo's refs, a snapshot, one file entry, a rendered JSON body) does not cost
// a SQLite round trip per request.
//
// A reader calls find(); on a miss it loads the answer itself (without holding any lock here) and
// offers it with keep() together with the generation find() reported. keep() drops the answer
// when a publish happened since: it may predate that publish. Errors are never offered.
//
// Without a generation source (nullptr) nothing is cached: every find() misses.
//
// Memory is bounded by a total weight (the caller's measure of each answer: 1, a byte count, a
// file count): a full cache drops arbitrary answers until the new one fits (one at a time, so that
// no single request pays for emptying it); an answer heavier than the whole budget is not kept.
//
// Thread-safety: every member may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "daemon/catalog_generation.hpp"

namespace mirrord::hf {

template <class Value>
class GenerationCache {
 public:
  GenerationCache(std::shared_ptr<const CatalogGeneration> generation, std::size_t max_weight)
      : generation_(std::move(generation)), max_weight_(max_weight) {}

  // The kept answer for `key`, or nullopt. `loaded_under` receives the generation a loaded
  // answer must be offered with.
  std::optional<Value> find(const std::string& key, std::uint64_t& loaded_under) {
    if (!generation_) {
      return std::nullopt;
    }
    loaded_under = generation_->current();
    std::lock_guard lock(mutex_);
    if (loaded_under > tag_) {
      clear();  // a publish happened: every answer may be stale
      tag_ = loaded_under;
    }
    if (loaded_under != tag_) {
      return std::nullopt;  // another thread has seen a newer generation already
    }
    auto found = entries_.find(key);
    if (found == entries_.end()) {
      return std::nullopt;
    }
    return found->second.value;
  }

  void keep(const std::string& key, Value value, std::uint64_t loaded_under,
            std::size_t weight = 1) {
    if (!generation_ || weight > max_weight_) {
      return;
    }
    std::lock_guard lock(mutex_);
    if (loaded_under != tag_ || generation_->current() != loaded_under) {
      return;  // loaded before a publish that came in meanwhile
    }
    if (entries_.contains(key)) {
      return;
    }
    while (weight_ + weight > max_weight_) {
      auto victim = entries_.begin();
      weight_ -= victim->second.weight;
      entries_.erase(victim);
    }
    entries_.try_emplace(key, Entry{std::move(value), weight});
    weight_ += weight;
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
  }

 private:
  void clear() {
    entries_.clear();
    weight_ = 0;
  }

  struct Entry {
    Value value;
    std::size_t weight;
  };

  const std::shared_ptr<const CatalogGeneration> generation_;
  const std::size_t max_weight_;
  mutable std::mutex mutex_;
  std::uint64_t tag_ = 0;
  std::size_t weight_ = 0;
  std::unordered_map<std::string, Entry> entries_;
};

// find() or load(): `load` returns an HfResult<Value>; only values are kept, each weighing
// weigh(value).
template <class Value, class Load, class Weigh>
auto cached(GenerationCache<Value>& cache, const std::string& key, Load&& load, Weigh&& weigh)
    -> decltype(load()) {
  std::uint64_t loaded_under = 0;
  if (auto hit = cache.find(key, loaded_under)) {
    return std::move(*hit);
  }
  auto loaded = load();
  if (loaded.ok()) {
    cache.keep(key, loaded.value(), loaded_under, weigh(loaded.value()));
  }
  return loaded;
}

}  // namespace mirrord::hf
