#include "daemon/jobs/scheduler.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

namespace mirrord {
namespace {

std::function<std::int64_t(std::int64_t)> real_random() {
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  auto engine_mutex = std::make_shared<std::mutex>();
  return [engine, engine_mutex](std::int64_t max) {
    std::lock_guard lock(*engine_mutex);
    return std::uniform_int_distribution<std::int64_t>(0, max)(*engine);
  };
}

bool is_active(JobState state) {
  return state == JobState::kQueued || state == JobState::kRunning;
}

}  // namespace

Scheduler::Scheduler(std::vector<ScheduledTarget> targets, SchedulerOptions options,
                     std::shared_ptr<Catalog> catalog, std::shared_ptr<JobManager> jobs,
                     SyncSubmitter submit, std::shared_ptr<const Clock> clock)
    : options_(std::move(options)),
      catalog_(std::move(catalog)),
      jobs_(std::move(jobs)),
      submit_(std::move(submit)),
      clock_(std::move(clock)) {
  if (!options_.random) {
    options_.random = real_random();
  }
  options_.concurrency = std::max(options_.concurrency, 1);
  for (ScheduledTarget& target : targets) {
    const std::string name = target.name;
    entries_.emplace(name, Entry{std::move(target), ScheduleRecord{name, 0, 0, 0}});
  }
}

Scheduler::~Scheduler() {
  stop();
}

Status Scheduler::load() {
  MIRRORD_TRY_ASSIGN(const std::vector<ScheduleRecord> records, catalog_->list_schedules());
  std::lock_guard lock(mutex_);
  const std::int64_t now = clock_->now();
  for (const ScheduleRecord& record : records) {
    if (auto it = entries_.find(record.target); it != entries_.end()) {
      it->second.record = record;
    }
  }
  for (auto& [name, entry] : entries_) {
    // A schedule shortened while the daemon was down takes effect now, not after the old plan.
    const std::int64_t latest = entry.target.schedule.next_after(now) + options_.jitter;
    if (entry.record.next_run_at > latest) {
      entry.record.next_run_at = latest;
      record(entry);
    }
    if (entry.record.next_run_at == 0) {
      // Never planned: an interval runs at once (the target may never have been synced), a
      // calendar at its first time.
      entry.record.next_run_at =
          entry.target.schedule.interval() ? now : entry.target.schedule.next_after(now);
      record(entry);
    }
  }
  return {};
}

int Scheduler::in_flight() {
  std::erase_if(submitted_jobs_, [this](std::int64_t id) {
    auto job = jobs_->get(id);
    return !job || !*job || !is_active((*job)->state);
  });
  return static_cast<int>(submitted_jobs_.size());
}

std::int64_t Scheduler::plan_next(const Schedule& schedule, std::int64_t now) {
  std::int64_t jitter = options_.jitter;
  if (const auto interval = schedule.interval()) {
    jitter = std::min(jitter, *interval / 2);
  }
  return schedule.next_after(now) + (jitter > 0 ? options_.random(jitter) : 0);
}

void Scheduler::submit_entry(Entry& entry, std::int64_t now) {
  auto submitted = submit_(entry.target.name);
  if (!submitted) {
    std::fprintf(stderr, "mirrord: scheduled sync of %s not started: %s\n",
                 entry.target.name.c_str(), submitted.error().message.c_str());
  } else {
    entry.record.last_job_id = submitted->job.id;
    submitted_jobs_.push_back(submitted->job.id);
  }
  // A failed submission is retried at the next planned time, not in a tight loop.
  entry.record.last_run_at = now;
  entry.record.next_run_at = plan_next(entry.target.schedule, now);
  record(entry);
}

int Scheduler::run_due() {
  std::lock_guard lock(mutex_);
  const std::int64_t now = clock_->now();
  std::vector<Entry*> due;
  for (auto& [name, entry] : entries_) {
    if (entry.record.next_run_at <= now) {
      due.push_back(&entry);
    }
  }
  // The most overdue first, so that a full house does not starve one target.
  std::sort(due.begin(), due.end(), [](const Entry* a, const Entry* b) {
    return a->record.next_run_at < b->record.next_run_at;
  });
  int submitted = 0;
  for (Entry* entry : due) {
    if (in_flight() >= options_.concurrency) {
      break;
    }
    submit_entry(*entry, now);
    ++submitted;
  }
  return submitted;
}

void Scheduler::note_run(const std::string& name, std::int64_t job_id) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(name);
  if (it == entries_.end()) {
    return;
  }
  const std::int64_t now = clock_->now();
  it->second.record.last_run_at = now;
  it->second.record.last_job_id = job_id;
  it->second.record.next_run_at = plan_next(it->second.target.schedule, now);
  record(it->second);
}

void Scheduler::record(const Entry& entry) {
  if (Status recorded = catalog_->record_schedule(entry.record); !recorded) {
    std::fprintf(stderr, "mirrord: cannot record the schedule of %s: %s\n",
                 entry.target.name.c_str(), recorded.error().message.c_str());
  }
}

std::vector<ScheduleStatus> Scheduler::status() const {
  std::lock_guard lock(mutex_);
  std::vector<ScheduleStatus> list;
  for (const auto& [name, entry] : entries_) {
    list.push_back(ScheduleStatus{name, entry.target.schedule.text(), entry.record.last_run_at,
                                  entry.record.next_run_at, entry.record.last_job_id});
  }
  return list;
}

bool Scheduler::has(const std::string& name) const {
  std::lock_guard lock(mutex_);
  return entries_.contains(name);
}

std::vector<std::string> Scheduler::names() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> list;
  for (const auto& [name, entry] : entries_) {
    list.push_back(name);
  }
  return list;
}

void Scheduler::start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      run_due();
      lock.lock();
      wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
    }
  });
}

void Scheduler::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

}  // namespace mirrord
