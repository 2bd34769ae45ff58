#include "daemon/offline_pulls.hpp"

namespace mirrord {
namespace {

// The only source whose pull does useful work without an upstream: the resign cut-off path.
bool works_offline(const Policy& policy) {
  return policy.source == "apt";
}

}  // namespace

PullWorkFactory refuse_pulls_offline(PullWorkFactory online) {
  return [online = std::move(online)](const Policy& policy) -> JobWork {
    if (works_offline(policy)) {
      return online(policy);
    }
    return [name = policy.name](JobContext&) {
      return Status(make_error(ErrorCode::kUpstreamRetryable,
                               "the mirror is offline: " + name +
                                   " not pulled, no upstream contacted; still serving what is "
                                   "mirrored"));
    };
  };
}

}  // namespace mirrord
