#include "daemon/jobs/job_manager.hpp"

#include <chrono>
#include <cstdio>

#include "storage/utf8.hpp"

namespace mirrord {
namespace {

// Ended jobs remembered in memory when their final record could not be written.
constexpr std::size_t kMaxUnrecordedJobs = 1000;

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void JobContext::set_totals(std::uint64_t files, std::uint64_t bytes) {
  files_total_ = files;
  bytes_total_ = bytes;
}

void JobContext::set_commit(std::string commit) {
  std::lock_guard lock(commit_mutex_);
  commit_ = std::move(commit);
}

JobManager::JobManager(std::shared_ptr<Catalog> catalog, int parallel_jobs)
    : catalog_(std::move(catalog)) {
  for (int i = 0; i < parallel_jobs; ++i) {
    workers_.emplace_back([this] { worker_loop(); });
  }
}

JobManager::~JobManager() {
  shutdown();
}

void JobManager::shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      return;
    }
    stopping_ = true;
    for (auto& [id, job] : live_) {
      job->context.cancel_ = true;
    }
  }
  wake_.notify_all();
  for (auto& worker : workers_) {
    worker.join();
  }
}

Result<SubmittedJob> JobManager::submit(const std::string& target, const std::string& key,
                                        JobWork work) {
  std::unique_lock lock(mutex_);
  if (stopping_) {
    return make_error(ErrorCode::kCancelled, "the daemon is shutting down");
  }
  if (auto it = live_by_key_.find(key); it != live_by_key_.end()) {
    return SubmittedJob{snapshot_of(*live_.at(it->second)), true};
  }
  MIRRORD_TRY_ASSIGN(const std::int64_t id, catalog_->create_job(target, key));
  auto job = std::make_shared<Job>();
  job->record.id = id;
  job->record.target = target;
  job->record.key = key;
  job->record.state = JobState::kQueued;
  job->record.created_at = job->record.updated_at = now_seconds();
  job->work = std::move(work);
  live_[id] = job;
  live_by_key_[key] = id;
  queue_.push_back(job);
  SubmittedJob submitted{snapshot_of(*job), false};
  lock.unlock();
  wake_.notify_one();
  return submitted;
}

Result<std::optional<JobRecord>> JobManager::get(std::int64_t id) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = live_.find(id); it != live_.end()) {
      return std::optional<JobRecord>(snapshot_of(*it->second));
    }
    if (auto it = unrecorded_.find(id); it != unrecorded_.end()) {
      return std::optional<JobRecord>(it->second);
    }
  }
  return catalog_->get_job(id);
}

std::vector<JobRecord> JobManager::active() {
  std::lock_guard lock(mutex_);
  std::vector<JobRecord> jobs;
  for (const auto& [id, job] : live_) {
    jobs.push_back(snapshot_of(*job));
  }
  return jobs;
}

JobRecord JobManager::snapshot_of(const Job& job) const {
  JobRecord record = job.record;
  record.files_total = job.context.files_total_;
  record.files_done = job.context.files_done_;
  record.bytes_total = job.context.bytes_total_;
  record.bytes_done = job.context.bytes_done_;
  std::lock_guard lock(job.context.commit_mutex_);
  if (!job.context.commit_.empty()) {
    record.commit = job.context.commit_;
  }
  return record;
}

void JobManager::persist(const Job& job) {
  (void)write_record(job);
}

Status JobManager::write_record(const Job& job) {
  JobRecord record;
  {
    std::lock_guard lock(mutex_);
    record = snapshot_of(job);
  }
  record.updated_at = now_seconds();
  Status status = catalog_->update_job(record);
  if (!status) {
    std::fprintf(stderr, "<3>mirrord: cannot record job %lld: %s\n",
                 static_cast<long long>(record.id), status.error().message.c_str());
  }
  return status;
}

void JobManager::worker_loop() {
  for (;;) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) {
        return;
      }
      job = queue_.front();
      queue_.pop_front();
      job->record.state = JobState::kRunning;
    }
    run_job(job);
  }
}

void JobManager::run_job(const std::shared_ptr<Job>& job) {
  persist(*job);
  // Persist progress every few seconds while the work runs, so a crash leaves a useful record.
  std::atomic<bool> done{false};
  std::thread progress_writer([&] {
    while (!done) {
      for (int i = 0; i < 50 && !done; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      if (!done) {
        persist(*job);
      }
    }
  });
  Status status = job->work(job->context);
  done = true;
  progress_writer.join();
  {
    std::lock_guard lock(mutex_);
    if (status) {
      job->record.state = JobState::kSucceeded;
    } else if (status.error().code == ErrorCode::kCancelled) {
      job->record.state = JobState::kInterrupted;
      job->record.error = valid_utf8(status.error().message);
    } else {
      job->record.state = JobState::kFailed;
      job->record.error = valid_utf8(status.error().message);
    }
    // A finished job is not joinable: a submit from now on starts a new run (upstream may have
    // changed), even while this record is still being written.
    live_by_key_.erase(job->record.key);
  }
  const bool recorded = write_record(*job).ok();
  std::lock_guard lock(mutex_);
  if (!recorded) {
    unrecorded_[job->record.id] = snapshot_of(*job);
    if (unrecorded_.size() > kMaxUnrecordedJobs) {
      unrecorded_.erase(unrecorded_.begin());
    }
  }
  live_.erase(job->record.id);
}

}  // namespace mirrord
