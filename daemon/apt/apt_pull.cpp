#include "daemon/apt/apt_pull.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <set>

#include "daemon/apt/apt_state.hpp"
#include "daemon/apt/archive_mirrors.hpp"
#include "daemon/apt/file_io.hpp"
#include "daemon/apt/pool.hpp"
#include "daemon/apt/release_date.hpp"
#include "daemon/apt/served_release.hpp"
#include "daemon/apt/suite_indexes.hpp"
#include "daemon/apt/upstream_release.hpp"
#include "daemon/upstream_changes.hpp"

namespace mirrord::apt {
namespace {

// "bookworm stays valid until Sat, ..." or "bookworm is STALE: its Release expired at Sat, ..."
// for each suite of a state whose served Release has a Valid-Until.
std::string validity_summary(const AptRepoState& state, std::int64_t now) {
  std::string summary;
  for (const auto& [name, suite] : state.suites) {
    if (!suite.served_valid_until) {
      continue;
    }
    summary += summary.empty() ? "" : ", ";
    summary += name +
               (*suite.served_valid_until <= now ? " is STALE: its Release expired at "
                                                 : " stays valid until ") +
               format_release_date(*suite.served_valid_until);
  }
  return summary;
}

class AptPull {
 public:
  AptPull(const std::string& policy, const AptTarget& target, const AptPullDeps& deps,
          JobContext& job)
      : policy_(policy),
        target_(target),
        deps_(deps),
        job_(job),
        upstream_{deps.fetcher, job.cancel_flag(), deps.retry, deps.health},
        mirrors_(deps.health != nullptr ? deps.health->order(target.all_urls())
                                        : target.all_urls()),
        stores_{deps.store, deps.catalog} {}

  Status run() {
    MIRRORD_TRY_ASSIGN(WorkDir work, WorkDir::create(deps_.work_root, policy_ + "-"));
    SignatureChecker checker(target_.keyring, target_.fingerprints, work.path());
    MIRRORD_TRY(checker.prepare());
    MIRRORD_TRY_ASSIGN(previous_, load_current(deps_.catalog, policy_));
    for (const std::string& suite : target_.suites) {
      auto release = fetch_newest_release(upstream_, mirrors_, suite, checker, accepted(suite),
                                          deps_.now(), target_.mode);
      if (!release && release.error().code == ErrorCode::kUpstreamRetryable) {
        return cut_off(release.error());
      }
      if (!release) {
        if (release.error().code == ErrorCode::kConflict) {
          record_upstream_change(deps_.catalog, apt_repo_key(policy_), kChangeReleaseRolledBack,
                                 release.error().message);
        }
        return release.error();
      }
      suite_mirrors_[suite] = std::move(release->mirrors);
      releases_.push_back(std::move(release->release));
    }
    MIRRORD_TRY(fetch_indexes());
    MIRRORD_TRY(fetch_pool());
    MIRRORD_TRY(add_release_files());
    record_dropped_pool_files();
    return publish(std::move(files_), std::move(state_));
  }

 private:
  std::optional<AcceptedRelease> accepted(const std::string& suite) const {
    if (!previous_) {
      return std::nullopt;
    }
    const auto found = previous_->state.suites.find(suite);
    if (found == previous_->state.suites.end()) {
      return std::nullopt;
    }
    return AcceptedRelease{found->second.upstream_date, found->second.signed_text_sha256,
                           found->second.served_date};
  }

  Status fetch_indexes() {
    for (const UpstreamRelease& release : releases_) {
      const IndexContext context{upstream_, deps_.store, deps_.catalog,
                                 suite_mirrors_.at(release.suite)};
      MIRRORD_TRY_ASSIGN(SuiteIndexes indexes, fetch_suite_indexes(context, release, target_));
      files_.insert(files_.end(), indexes.files.begin(), indexes.files.end());
      const std::size_t begin = packages_.size();
      packages_.insert(packages_.end(), std::make_move_iterator(indexes.packages.begin()),
                       std::make_move_iterator(indexes.packages.end()));
      suite_ranges_[release.suite] = {begin, packages_.size()};
      if (job_.cancelled()) {
        return make_error(ErrorCode::kCancelled, "the pull was interrupted; pull again");
      }
    }
    return {};
  }

  // What the pool files add to the store (quotas): those whose content it does not hold yet.
  Result<std::uint64_t> bytes_not_stored(const std::vector<PoolFile>& pool) {
    std::uint64_t bytes = 0;
    for (const PoolFile& file : pool) {
      MIRRORD_TRY_ASSIGN(const auto known, deps_.catalog.find_blob(file.sha256));
      bytes += known ? 0 : file.size;
    }
    return bytes;
  }

  Status fetch_pool() {
    MIRRORD_TRY_ASSIGN(const std::set<std::string> names, select_package_names(packages_, target_));
    MIRRORD_TRY_ASSIGN(const std::vector<PoolFile> pool, pool_files_of(packages_, names));
    std::uint64_t bytes = 0;
    for (const PoolFile& file : pool) {
      bytes += file.size;
    }
    MIRRORD_TRY_ASSIGN(const std::uint64_t new_bytes, bytes_not_stored(pool));
    MIRRORD_TRY(job_.check_plan(new_bytes));
    job_.set_totals(pool.size(), bytes);
    // The mirror that served the first suite's Release first: it is the most up to date.
    const PoolContext context{upstream_, deps_.store, deps_.catalog,
                              suite_mirrors_.at(releases_.front().suite), deps_.parallel_files};
    MIRRORD_TRY_ASSIGN(const std::vector<SnapshotFile> fetched,
                       fetch_pool_files(context, pool, job_));
    files_.insert(files_.end(), fetched.begin(), fetched.end());
    for (const auto& [suite, range] : suite_ranges_) {
      std::set<std::string_view> filenames;
      for (std::size_t i = range.first; i < range.second; ++i) {
        if (names.contains(packages_[i].name)) {
          filenames.insert(packages_[i].filename);
        }
      }
      state_.suites[suite].package_files = filenames.size();
    }
    return {};
  }

  Status add_release_files() {
    state_.mode = to_string(target_.mode);
    for (const UpstreamRelease& release : releases_) {
      SuiteState& suite = state_.suites[release.suite];
      suite.upstream_date = release.info.date;
      suite.upstream_valid_until = release.info.valid_until;
      suite.signed_text_sha256 = sha256_of(release.signed_text).hex();
      suite.signer = release.signer;
      std::vector<SnapshotFile> served;
      if (target_.mode == AptMode::kResign) {
        const auto last = accepted(release.suite);
        MIRRORD_TRY(resign(release.suite, release.signed_text, last ? last->served_date : 0, suite,
                           served));
      } else {
        suite.served_date = release.info.date;
        suite.served_valid_until = release.info.valid_until;
        MIRRORD_TRY_ASSIGN(served, verbatim_release_files(stores_, release));
      }
      MIRRORD_TRY_ASSIGN(const auto evidence, evidence_files(stores_, release));
      files_.insert(files_.end(), served.begin(), served.end());
      files_.insert(files_.end(), evidence.begin(), evidence.end());
    }
    return {};
  }

  // Signs a Release made from `signed_text` with a Date after `last_served`.
  Status resign(const std::string& suite_name, std::string_view signed_text,
                std::int64_t last_served, SuiteState& suite, std::vector<SnapshotFile>& files) {
    MIRRORD_TRY_ASSIGN(const std::int64_t date, next_served_date(last_served, deps_.now));
    const std::int64_t valid_until = date + target_.resign_valid_days * 86400;
    MIRRORD_TRY_ASSIGN(files, resigned_release_files(stores_, deps_.mirror_key, suite_name,
                                                     signed_text, date, valid_until));
    suite.served_date = date;
    suite.served_valid_until = valid_until;
    return {};
  }

  // Pool files the accepted snapshot serves that the new Release no longer lists: upstream
  // dropped their packages (or the policy stopped selecting them).
  void record_dropped_pool_files() const {
    if (!previous_) {
      return;
    }
    std::set<std::string_view> kept;
    for (const SnapshotFile& file : files_) {
      kept.insert(file.path);
    }
    std::vector<std::string_view> dropped;
    for (const SnapshotFile& file : previous_->files) {
      if (file.path.starts_with("pool/") && !kept.contains(file.path)) {
        dropped.push_back(file.path);
      }
    }
    if (dropped.empty()) {
      return;
    }
    std::string detail = std::to_string(dropped.size()) + " pool file(s) no longer listed:";
    constexpr std::size_t kNamed = 20;  // a detail stays readable in a table
    for (std::size_t i = 0; i < dropped.size() && i < kNamed; ++i) {
      detail += " " + std::string(dropped[i]);
    }
    if (dropped.size() > kNamed) {
      detail += " and " + std::to_string(dropped.size() - kNamed) + " more";
    }
    record_upstream_change(deps_.catalog, apt_repo_key(policy_), kChangePackagesDropped,
                           detail + "; the previous snapshot " + previous_->info.commit +
                               " stays published until retention removes it");
  }

  Status publish(std::vector<SnapshotFile> files, AptRepoState state) {
    MIRRORD_TRY_ASSIGN(const std::string commit,
                       publish_state(deps_.catalog, policy_, std::move(files), std::move(state),
                                     previous_, deps_.now()));
    job_.set_commit(commit);
    return {};
  }

  // Upstream cannot be reached. Resign mode keeps apt working by re-signing the held snapshot;
  // either way the pull fails, saying what is served now.
  Status cut_off(const Error& why) {
    const std::string reason = "cannot reach upstream (" + why.message + ")";
    if (target_.mode != AptMode::kResign || !previous_) {
      if (!previous_) {
        return make_error(why.code, reason + "; nothing of this policy is mirrored yet");
      }
      const std::string validity = validity_summary(previous_->state, deps_.now());
      return make_error(why.code, reason + "; still serving the previous state" +
                                      (validity.empty() ? "" : ": " + validity));
    }
    std::vector<SnapshotFile> files;
    AptRepoState state = previous_->state;
    state.mode = to_string(AptMode::kResign);
    for (const SnapshotFile& file : previous_->files) {
      bool replaced = false;
      for (const auto& [suite, ignored] : state.suites) {
        replaced = replaced || is_served_release_file(file.path, suite);
      }
      if (!replaced) {
        files.push_back(file);
      }
    }
    for (auto& [name, suite] : state.suites) {
      MIRRORD_TRY_ASSIGN(const std::string text,
                         held_signed_text(deps_.store, previous_->files, name));
      std::vector<SnapshotFile> served;
      MIRRORD_TRY(resign(name, text, suite.served_date, suite, served));
      files.insert(files.end(), served.begin(), served.end());
    }
    MIRRORD_TRY(publish(std::move(files), state));
    return make_error(why.code, reason +
                                    "; cut off: re-signed the held snapshot with the mirror "
                                    "key, " +
                                    validity_summary(state, deps_.now()));
  }

  const std::string& policy_;
  const AptTarget& target_;
  const AptPullDeps& deps_;
  JobContext& job_;
  const Upstream upstream_;
  const std::vector<std::string> mirrors_;  // the policy's archive URLs, failing ones last
  std::map<std::string, std::vector<std::string>> suite_mirrors_;  // from fetch_newest_release
  const ReleaseStore stores_;
  std::optional<CurrentSnapshot> previous_;
  std::vector<UpstreamRelease> releases_;
  std::vector<SnapshotFile> files_;
  std::vector<PackageEntry> packages_;
  std::map<std::string, std::pair<std::size_t, std::size_t>> suite_ranges_;  // into packages_
  AptRepoState state_;
};

}  // namespace

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status run_apt_pull(const std::string& policy_name, const AptTarget& target,
                    const AptPullDeps& deps, JobContext& job) {
  return AptPull(policy_name, target, deps, job).run();
}

}  // namespace mirrord::apt
