#include "daemon/apt/pool.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "daemon/apt/apt_blobs.hpp"
#include "daemon/apt/archive_mirrors.hpp"

namespace mirrord::apt {
namespace {

class PoolFetch {
 public:
  PoolFetch(const PoolContext& context, const std::vector<PoolFile>& files, JobContext& job)
      : context_(context), files_(files), job_(job), results_(files.size()) {}

  Result<std::vector<SnapshotFile>> run() {
    const int workers =
        std::max(1, std::min<int>(context_.parallel_files, static_cast<int>(files_.size())));
    std::vector<std::thread> threads;
    for (int i = 0; i < workers; ++i) {
      threads.emplace_back([this] { work(); });
    }
    for (auto& thread : threads) {
      thread.join();
    }
    if (failure_) {
      return *failure_;
    }
    if (job_.cancelled()) {
      return make_error(ErrorCode::kCancelled, "the pull was interrupted; pull again to resume");
    }
    std::vector<SnapshotFile> snapshot;
    for (std::size_t i = 0; i < files_.size(); ++i) {
      snapshot.push_back(snapshot_file(files_[i].filename, results_[i]));
    }
    return snapshot;
  }

 private:
  void work() {
    for (;;) {
      const std::size_t index = next_++;
      if (index >= files_.size() || failed_ || job_.cancelled()) {
        return;
      }
      const PoolFile& file = files_[index];
      ExpectedContent expected;
      expected.size = file.size;
      expected.sha256 = file.sha256;
      std::uint64_t counted = 0;
      // Bytes fetched again after a failed attempt are not progress: count at most the size.
      const ProgressFn progress = [&](std::uint64_t bytes) {
        const std::uint64_t room = file.size - std::min(counted, file.size);
        counted += bytes;
        job_.add_bytes(std::min(bytes, room));
      };
      auto blob = obtain_from_mirrors(context_.upstream, context_.store, context_.catalog,
                                      context_.archive_urls, file.filename, expected, progress);
      if (!blob) {
        fail(file, blob.error());
        return;
      }
      if (counted < file.size) {
        job_.add_bytes(file.size - counted);  // a resumed .part was not reported as progress
      }
      results_[index] = *blob;
      job_.file_done();
    }
  }

  void fail(const PoolFile& file, const Error& error) {
    std::lock_guard lock(mutex_);
    failed_ = true;
    if (!failure_) {
      std::string hint;
      if (error.code == ErrorCode::kDigestMismatch || error.code == ErrorCode::kSizeMismatch) {
        hint = " (the upstream file does not match its Packages entry; nothing was published)";
      }
      failure_ = Error{error.code, file.filename + ": " + error.message + hint};
    }
  }

  const PoolContext& context_;
  const std::vector<PoolFile>& files_;
  JobContext& job_;
  std::vector<BlobInfo> results_;
  std::atomic<std::size_t> next_{0};
  std::atomic<bool> failed_{false};
  std::mutex mutex_;
  std::optional<Error> failure_;
};

}  // namespace

Result<std::vector<PoolFile>> pool_files_of(const std::vector<PackageEntry>& packages,
                                            const std::set<std::string>& names) {
  std::map<std::string, PoolFile> by_filename;
  for (const PackageEntry& package : packages) {
    if (!names.contains(package.name)) {
      continue;
    }
    const PoolFile file{package.filename, package.size, package.sha256};
    auto [it, inserted] = by_filename.emplace(file.filename, file);
    if (!inserted && (it->second.size != file.size || it->second.sha256 != file.sha256)) {
      return make_error(ErrorCode::kConflict, "two Packages entries give " + file.filename +
                                                  " different sizes or SHA256 sums");
    }
  }
  std::vector<PoolFile> files;
  for (auto& [filename, file] : by_filename) {
    files.push_back(std::move(file));
  }
  return files;
}

Result<std::vector<SnapshotFile>> fetch_pool_files(const PoolContext& context,
                                                   const std::vector<PoolFile>& files,
                                                   JobContext& job) {
  return PoolFetch(context, files, job).run();
}

}  // namespace mirrord::apt
