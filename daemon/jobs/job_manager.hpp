// JobManager: runs pulls as jobs, at most `parallel_jobs` at once, one per target key.
//
// A job is persisted in the Catalog when created and when it ends (with its progress counters
// written every few seconds meanwhile), so `mirrorctl status` sees jobs of a previous process as
// interrupted. Submitting a key that is already queued or running joins that job (single-flight).
// Live progress is kept in memory (atomics) so that polling never waits on a running download.
//
// Thread-safety: every public method may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "storage/catalog.hpp"
#include "storage/result.hpp"

namespace mirrord {

// What a running job may report; handed to the job's work function.
class JobContext {
 public:
  void set_totals(std::uint64_t files, std::uint64_t bytes);
  void add_bytes(std::uint64_t bytes) { bytes_done_ += bytes; }
  void file_done() { ++files_done_; }
  void set_commit(std::string commit);
  const std::atomic<bool>* cancel_flag() const { return &cancel_; }
  // Quotas: a pull calls check_plan() with the bytes its plan adds to the store, before fetching
  // anything; an error refuses the pull. Set by whoever builds the job's work (no check when
  // unset).
  void set_plan_check(std::function<Status(std::uint64_t new_bytes)> check) {
    plan_check_ = std::move(check);
  }
  Status check_plan(std::uint64_t new_bytes) const {
    return plan_check_ ? plan_check_(new_bytes) : Status{};
  }
  bool cancelled() const { return cancel_.load(); }

 private:
  friend class JobManager;
  std::atomic<std::uint64_t> files_total_{0}, files_done_{0}, bytes_total_{0}, bytes_done_{0};
  std::atomic<bool> cancel_{false};
  mutable std::mutex commit_mutex_;
  std::string commit_;
  std::function<Status(std::uint64_t)> plan_check_;
};

using JobWork = std::function<Status(JobContext&)>;

struct SubmittedJob {
  JobRecord job;
  bool joined = false;
};

class JobManager {
 public:
  JobManager(std::shared_ptr<Catalog> catalog, int parallel_jobs);
  ~JobManager();  // cancels running jobs and joins the workers
  JobManager(const JobManager&) = delete;
  JobManager& operator=(const JobManager&) = delete;

  Result<SubmittedJob> submit(const std::string& target, const std::string& key, JobWork work);
  Result<std::optional<JobRecord>> get(std::int64_t id);
  std::vector<JobRecord> active();
  // Asks running jobs to stop (their .part files are kept for resume) and stops the workers.
  void shutdown();

 private:
  struct Job {
    JobRecord record;
    JobWork work;
    JobContext context;
  };
  void worker_loop();
  void run_job(const std::shared_ptr<Job>& job);
  JobRecord snapshot_of(const Job& job) const;
  void persist(const Job& job);
  // Writes the job's record; the catalog's error (also logged) when it could not.
  Status write_record(const Job& job);

  std::shared_ptr<Catalog> catalog_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<Job>> queue_;
  std::map<std::int64_t, std::shared_ptr<Job>> live_;  // queued or running, by id
  std::map<std::string, std::int64_t> live_by_key_;
  // Ended jobs whose final record the catalog refused (a full disk): get() answers from here, so
  // a client polling the job sees it end instead of a "running" row forever. The oldest go first.
  std::map<std::int64_t, JobRecord> unrecorded_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace mirrord
