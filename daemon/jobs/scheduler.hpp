// Scheduler: syncs each policy that has a `schedule` when it is due (README, "Policies and
// schedules").
//
// A due target is submitted through `submit`, which goes to the JobManager: a target already
// running (a pull, a manual sync) is joined, never run twice at once. At most `concurrency`
// scheduled syncs are in flight; a due target waits for a free slot. After a run is submitted the
// next one is the schedule's next time after now, plus a random delay of up to `jitter` (at most
// half of an interval) so that many mirrors do not hit an upstream at the same second. Last and
// next runs are recorded in the catalog, so a restart resumes the plan: a run missed while the
// daemon was down is run once at start, not once per missed time. A target never synced before
// runs at once with an interval schedule, and at its first calendar time otherwise. A recorded
// next run later than the current schedule would plan from now (it was shortened) is brought
// forward.
//
// Time comes from a Clock and the random delay from `random`, so tests drive run_due() directly.
// Thread-safety: every public method may be called from any thread.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "daemon/jobs/clock.hpp"
#include "daemon/jobs/job_manager.hpp"
#include "policies/schedule.hpp"
#include "storage/catalog.hpp"

namespace mirrord {

struct ScheduledTarget {
  std::string name;  // policy name
  Schedule schedule;
};

struct SchedulerOptions {
  std::int64_t jitter = 0;  // seconds
  int concurrency = 1;      // scheduled syncs in flight at once
  // A uniform integer in [0, max]; a real random source when empty.
  std::function<std::int64_t(std::int64_t max)> random;
};

// Submits a sync of the named policy (the JobManager joins one already running).
using SyncSubmitter = std::function<Result<SubmittedJob>(const std::string& name)>;

struct ScheduleStatus {
  std::string target;
  std::string schedule;
  std::int64_t last_run_at = 0;  // 0: never
  std::int64_t next_run_at = 0;
  std::int64_t last_job_id = 0;
};

class Scheduler {
 public:
  Scheduler(std::vector<ScheduledTarget> targets, SchedulerOptions options,
            std::shared_ptr<Catalog> catalog, std::shared_ptr<JobManager> jobs,
            SyncSubmitter submit, std::shared_ptr<const Clock> clock);
  ~Scheduler();  // stops the thread
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Reads the recorded runs and plans the next one of every target (recording it).
  Status load();
  // Submits every due target while slots are free; returns how many were submitted.
  int run_due();
  // Records a run started outside the schedule (`mirrorctl sync`): the next one counts from now.
  void note_run(const std::string& name, std::int64_t job_id);
  std::vector<ScheduleStatus> status() const;
  bool has(const std::string& name) const;
  std::vector<std::string> names() const;

  // A thread calling run_due() about once a second until stop().
  void start();
  void stop();

 private:
  struct Entry {
    ScheduledTarget target;
    ScheduleRecord record;
  };
  int in_flight();
  std::int64_t plan_next(const Schedule& schedule, std::int64_t now);
  void submit_entry(Entry& entry, std::int64_t now);
  void record(const Entry& entry);

  SchedulerOptions options_;
  std::shared_ptr<Catalog> catalog_;
  std::shared_ptr<JobManager> jobs_;
  SyncSubmitter submit_;
  std::shared_ptr<const Clock> clock_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;
  std::vector<std::int64_t> submitted_jobs_;  // scheduled jobs perhaps still running
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace mirrord
