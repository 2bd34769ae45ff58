#include "daemon/live_policies.hpp"

namespace mirrord {

LivePolicies::LivePolicies(PolicyBook book)
    : book_(std::make_shared<const PolicyBook>(std::move(book))) {}

std::shared_ptr<const PolicyBook> LivePolicies::current() const {
  std::lock_guard lock(mutex_);
  return book_;
}

void LivePolicies::replace(PolicyBook book) {
  auto next = std::make_shared<const PolicyBook>(std::move(book));
  std::lock_guard lock(mutex_);
  book_ = std::move(next);
}

}  // namespace mirrord
