// Starts the daemon's Scheduler (daemon/jobs/scheduler.hpp) over the policies that have a
// `schedule`, syncing each through the JobManager with the same work as a pull.
#pragma once

#include <functional>
#include <memory>

#include "daemon/config.hpp"
#include "daemon/jobs/scheduler.hpp"
#include "daemon/live_policies.hpp"

namespace mirrord {

// Loads the recorded runs and starts the scheduler's thread (with nothing scheduled it idles).
Result<std::shared_ptr<Scheduler>> start_scheduler(const Config& config,
                                                   std::shared_ptr<Catalog> catalog,
                                                   std::shared_ptr<JobManager> jobs,
                                                   std::shared_ptr<const LivePolicies> policies,
                                                   std::function<JobWork(const Policy&)> make_work);

}  // namespace mirrord
