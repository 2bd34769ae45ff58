#include "daemon/scheduled_syncs.hpp"

namespace mirrord {

Result<std::shared_ptr<Scheduler>> start_scheduler(
    const Config& config, std::shared_ptr<Catalog> catalog, std::shared_ptr<JobManager> jobs,
    std::shared_ptr<const LivePolicies> policies, std::function<JobWork(const Policy&)> make_work) {
  std::vector<ScheduledTarget> targets;
  for (const Policy& policy : policies->all()) {
    if (policy.ops.schedule) {
      targets.push_back(ScheduledTarget{policy.name, *policy.ops.schedule});
    }
  }
  // Resolved again at each run, as `mirrorctl sync NAME` would be.
  auto submit = [jobs, policies, make_work = std::move(make_work)](
                    const std::string& name) -> Result<SubmittedJob> {
    MIRRORD_TRY_ASSIGN(const Policy policy, policies->resolve(name));
    return jobs->submit(policy.name, policy.key(), make_work(policy));
  };
  auto scheduler = std::make_shared<Scheduler>(
      std::move(targets), SchedulerOptions{config.schedule_jitter, config.schedule_concurrency, {}},
      std::move(catalog), std::move(jobs), std::move(submit), system_clock());
  MIRRORD_TRY(scheduler->load());
  scheduler->start();
  return scheduler;
}

}  // namespace mirrord
