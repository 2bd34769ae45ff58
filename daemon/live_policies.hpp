// LivePolicies: the policy book the admin API answers from, replaced whole when the daemon
// reloads (SIGHUP). Each call reads one book from start to end, so no answer mixes an old set
// with a new one; a pull already submitted keeps the Policy it was given.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/policy_book.hpp"

namespace mirrord {

class LivePolicies {
 public:
  explicit LivePolicies(PolicyBook book);

  std::shared_ptr<const PolicyBook> current() const;
  void replace(PolicyBook book);

  Result<Policy> resolve(std::string_view target) const { return current()->resolve(target); }
  std::vector<Policy> all() const { return current()->all(); }
  std::vector<std::string> close_matches(std::string_view target) const {
    return current()->close_matches(target);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const PolicyBook> book_;
};

}  // namespace mirrord
