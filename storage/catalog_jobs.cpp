// SqliteCatalog: the jobs table (pulls and their progress).
#include <string_view>

#include "storage/sqlite_catalog.hpp"

namespace mirrord {
namespace {

constexpr const char* kJobColumns =
    "SELECT id, target, key, state, created_at, updated_at, files_total, files_done, "
    "bytes_total, bytes_done, commit_sha, error FROM jobs ";

std::optional<JobState> parse_job_state(std::string_view text) {
  for (JobState state : {JobState::kQueued, JobState::kRunning, JobState::kSucceeded,
                         JobState::kFailed, JobState::kInterrupted}) {
    if (text == to_string(state))
      return state;
  }
  return std::nullopt;
}

Result<JobRecord> read_job_row(const Statement& stmt) {
  const auto state = parse_job_state(stmt.column_text(3));
  if (!state) {
    return make_error(ErrorCode::kInternal,
                      "catalog holds a job in unknown state '" + stmt.column_text(3) + "'");
  }
  return JobRecord{
      .id = stmt.column_int64(0),
      .target = stmt.column_text(1),
      .key = stmt.column_text(2),
      .state = *state,
      .created_at = stmt.column_int64(4),
      .updated_at = stmt.column_int64(5),
      .files_total = static_cast<std::uint64_t>(stmt.column_int64(6)),
      .files_done = static_cast<std::uint64_t>(stmt.column_int64(7)),
      .bytes_total = static_cast<std::uint64_t>(stmt.column_int64(8)),
      .bytes_done = static_cast<std::uint64_t>(stmt.column_int64(9)),
      .commit = stmt.column_text(10),
      .error = stmt.column_text(11),
  };
}

}  // namespace

const char* to_string(JobState state) {
  switch (state) {
    case JobState::kQueued:
      return "queued";
    case JobState::kRunning:
      return "running";
    case JobState::kSucceeded:
      return "succeeded";
    case JobState::kFailed:
      return "failed";
    case JobState::kInterrupted:
      return "interrupted";
  }
  return "unknown";
}

Result<std::int64_t> SqliteCatalog::create_job(const std::string& target, const std::string& key) {
  Lock lock(mutex_);
  MIRRORD_TRY_ASSIGN(auto stmt, db_->prepare("INSERT INTO jobs (target, key, state, created_at, "
                                             "updated_at) VALUES (?, ?, ?, ?, ?)"));
  const std::int64_t now = unix_now();
  MIRRORD_TRY(
      stmt->bind_all(target, key, std::string_view(to_string(JobState::kQueued)), now, now));
  MIRRORD_TRY(stmt->run());
  return db_->last_insert_rowid();
}

// updated_at is stamped here rather than taken from the caller, so it always says when the row
// last changed.
Status SqliteCatalog::update_job(const JobRecord& job) {
  Lock lock(mutex_);
  MIRRORD_TRY_ASSIGN(auto stmt,
                     db_->prepare("UPDATE jobs SET state = ?, updated_at = ?, files_total = ?, "
                                  "files_done = ?, bytes_total = ?, bytes_done = ?, "
                                  "commit_sha = ?, error = ? WHERE id = ?"));
  MIRRORD_TRY(stmt->bind_all(
      std::string_view(to_string(job.state)), unix_now(),
      static_cast<std::int64_t>(job.files_total), static_cast<std::int64_t>(job.files_done),
      static_cast<std::int64_t>(job.bytes_total), static_cast<std::int64_t>(job.bytes_done),
      job.commit, job.error, job.id));
  MIRRORD_TRY(stmt->run());
  if (db_->changes() == 0) {
    return make_error(ErrorCode::kNotFound, "no job " + std::to_string(job.id));
  }
  return {};
}

Result<std::optional<JobRecord>> SqliteCatalog::get_job(std::int64_t id) {
  Lock lock(mutex_);
  MIRRORD_TRY_ASSIGN(auto stmt, db_->prepare(std::string(kJobColumns) + "WHERE id = ?"));
  MIRRORD_TRY(stmt->bind_all(id));
  MIRRORD_TRY_ASSIGN(const bool row, stmt->step());
  if (!row)
    return std::optional<JobRecord>();
  MIRRORD_TRY_ASSIGN(auto job, read_job_row(*stmt));
  return std::optional<JobRecord>(std::move(job));
}

// Newest first; a limit of zero or less means no limit.
Result<std::vector<JobRecord>> SqliteCatalog::list_jobs(bool active_only, int limit) {
  Lock lock(mutex_);
  MIRRORD_TRY_ASSIGN(auto stmt, db_->prepare(std::string(kJobColumns) +
                                             "WHERE ?1 = 0 OR state IN ('queued', 'running') "
                                             "ORDER BY id DESC LIMIT ?2"));
  MIRRORD_TRY(
      stmt->bind_all(std::int64_t{active_only ? 1 : 0}, std::int64_t{limit > 0 ? limit : -1}));
  std::vector<JobRecord> jobs;
  for (;;) {
    MIRRORD_TRY_ASSIGN(const bool row, stmt->step());
    if (!row)
      return jobs;
    MIRRORD_TRY_ASSIGN(auto job, read_job_row(*stmt));
    jobs.push_back(std::move(job));
  }
}

Status SqliteCatalog::mark_unfinished_jobs_interrupted() {
  Lock lock(mutex_);
  MIRRORD_TRY_ASSIGN(
      auto stmt,
      db_->prepare("UPDATE jobs SET state = 'interrupted', updated_at = ?, error = CASE "
                   "WHEN error = '' THEN 'the daemon stopped before this job finished; pull again' "
                   "ELSE error END WHERE state IN ('queued', 'running')"));
  MIRRORD_TRY(stmt->bind_all(unix_now()));
  return stmt->run();
}

}  // namespace mirrord
