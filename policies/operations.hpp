// PolicyOperations: how the daemon looks after a policy's target over time, besides what it
// mirrors: when it syncs by itself, how many old snapshots it keeps, which ones are pinned, and
// how many bytes the target may hold. Read from keys every `[[mirror]]` accepts:
//
//   schedule = "6h"                  # or "daily", "Mon..Fri *-*-* 03:30" (policies/schedule.hpp)
//   keep = 2                         # newest N snapshots per repo stay published (0 = all)
//   pin = ["v1.0", "1f0c2ab"]        # refs or commits (a prefix of at least 7 hex) kept forever
//   quota = "50GiB"                  # bytes the target's snapshots may reference
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "policies/schedule.hpp"

namespace mirrord {

struct PolicyOperations {
  std::optional<Schedule> schedule;
  std::int64_t keep = 0;  // 0: keep every snapshot
  std::vector<std::string> pins;
  std::optional<std::uint64_t> quota;  // bytes
};

}  // namespace mirrord
