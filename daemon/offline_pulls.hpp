// Pulls of an offline daemon (README "When the outside is cut off"). Every pull, scheduled or
// asked for, fails at once saying that the mirror is offline, without contacting anyone: libgit2
// opens its own connections, so refusing the fetchers alone would not keep git pulls home. apt
// pulls still run: with the offline fetcher they fail too, but an entry in resign mode first
// re-signs its held snapshot, which keeps apt clients working past upstream's Valid-Until.
#pragma once

#include <functional>

#include "daemon/jobs/job_manager.hpp"
#include "policies/policy.hpp"

namespace mirrord {

using PullWorkFactory = std::function<JobWork(const Policy&)>;

PullWorkFactory refuse_pulls_offline(PullWorkFactory online);

}  // namespace mirrord
