// JobManager when the catalog refuses a job's final record (a full disk, a locked database): the
// job must still be seen as ended, or a client polling it (mirrorctl pull) would wait forever.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "daemon/jobs/job_manager.hpp"

namespace mirrord {
namespace {

// A second connection holding the write lock, so that every write of the catalog fails once its
// busy timeout has run out.
class WriteLock {
 public:
  explicit WriteLock(const std::filesystem::path& db) {
    EXPECT_EQ(sqlite3_open(db.c_str(), &db_), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db_, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  }
  ~WriteLock() {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db_);
  }
  WriteLock(const WriteLock&) = delete;
  WriteLock& operator=(const WriteLock&) = delete;

 private:
  sqlite3* db_ = nullptr;
};

TEST(JobManagerUnrecorded, AJobWhoseFinalRecordFailsIsStillSeenAsEnded) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("mirrord-jobs-unrecorded-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto opened = Catalog::open(dir / "catalog.db");
  ASSERT_TRUE(opened) << opened.error().message;
  std::shared_ptr<Catalog> catalog = std::move(*opened);
  {
    std::unique_ptr<WriteLock> lock;
    JobManager jobs(catalog, 1);
    auto submitted = jobs.submit("x", "k", [&](JobContext&) {
      lock = std::make_unique<WriteLock>(dir / "catalog.db");  // after the "running" record
      return Status(make_error(ErrorCode::kNoSpace, "model.bin: no space left on device"));
    });
    ASSERT_TRUE(submitted);
    const std::int64_t id = submitted->job.id;
    // The final record waits out the catalog's busy timeout (5 s), fails, and the job leaves the
    // queue: from then on only the manager's memory knows how it ended.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!jobs.active().empty() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_TRUE(jobs.active().empty()) << "the job did not end";
    auto stored = catalog->get_job(id);
    ASSERT_TRUE(stored && *stored);
    EXPECT_EQ((*stored)->state, JobState::kRunning) << "the catalog write was expected to fail";
    auto seen = jobs.get(id);
    ASSERT_TRUE(seen && *seen);
    EXPECT_EQ((*seen)->state, JobState::kFailed);
    EXPECT_EQ((*seen)->error, "model.bin: no space left on device");
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace mirrord
