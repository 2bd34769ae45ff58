#include "daemon/pypi/pypi_pull.hpp"

#include <deque>
#include <set>

#include "daemon/fetch/url.hpp"
#include "daemon/pypi/pypi_ingest.hpp"
#include "daemon/pypi/pypi_url.hpp"
#include "daemon/pypi/requirement.hpp"
#include "daemon/pypi/wheel_metadata.hpp"
#include "policies/pypi_names.hpp"

namespace mirrord::pypi {
namespace {

struct Work {
  std::string project;
  FileFilter filter;
};

class PullRun {
 public:
  PullRun(const PypiTarget& target, FileFilter base, SyncContext& context, const PullDeps& deps)
      : target_(target), base_(std::move(base)), context_(context), deps_(deps) {}

  Status run() {
    for (const std::string& project : target_.projects) {
      enqueue(normalize_project_name(project), base_, target_.versions);
    }
    while (!queue_.empty()) {
      Work work = std::move(queue_.front());
      queue_.pop_front();
      auto synced = sync_project(work.project, work.filter, context_);
      if (!synced) {
        if (synced.error().code == ErrorCode::kCancelled) {
          return synced.error();
        }
        fail(synced.error().code, work.project + ": " + synced.error().message);
        continue;
      }
      for (const Error& failure : synced->failures) {
        fail(failure.code, failure.message);
      }
      if (!synced->commit.empty() && !commit_set_) {
        context_.job.set_commit(synced->commit);
        commit_set_ = true;
      }
      if (target_.dependencies) {
        enqueue_dependencies(work.project, synced->selected_metadata);
      }
    }
    return outcome();
  }

 private:
  void enqueue(const std::string& project, FileFilter filter, const std::string& specifiers) {
    // Each (project, specifiers) pair is synced once per pull.
    std::string key = project + " " + specifiers;
    if (seen_.contains(key)) {
      return;
    }
    if (seen_.size() >= kMaxProjectsPerPull) {
      fail(ErrorCode::kPolicy, project + ": not mirrored, the pull already holds " +
                                   std::to_string(kMaxProjectsPerPull) + " projects");
      return;
    }
    queue_.push_back(Work{project, std::move(filter)});
    seen_.insert(std::move(key));
  }

  // The newest version of each requirement, under the policy's other filters.
  void enqueue_dependencies(const std::string& from, const std::vector<Sha256>& metadata) {
    for (const Sha256& digest : metadata) {
      auto text = read_blob(deps_.store, digest, kMaxMetadataBytes);
      if (!text) {
        fail(text.error().code, from + ": cannot read core metadata: " + text.error().message);
        continue;
      }
      for (const std::string& line : parse_core_metadata(*text).requires_dist) {
        const std::optional<Requirement> requirement = parse_requirement(line);
        if (!requirement || requirement->url || requirement->extra_only) {
          continue;
        }
        auto versions = SpecifierSet::parse(requirement->specifiers);
        if (!versions) {
          fail(ErrorCode::kInvalidInput,
               from + " requires '" + line + "': " + versions.error().message);
          continue;
        }
        FileFilter filter = base_;
        filter.versions = std::move(*versions);
        filter.latest = 1;
        enqueue(requirement->name, std::move(filter), requirement->specifiers);
      }
    }
  }

  void fail(ErrorCode code, std::string message) {
    if (!first_code_) {
      first_code_ = code;
    }
    failures_.push_back(std::move(message));
  }

  Status outcome() const {
    if (failures_.empty()) {
      return {};
    }
    std::string message = std::to_string(failures_.size()) + " problem(s): ";
    for (std::size_t i = 0; i < failures_.size() && i < 5; ++i) {
      message += (i == 0 ? "" : "; ") + failures_[i];
    }
    if (failures_.size() > 5) {
      message += "; ...";
    }
    message += ". Everything verified was published; see `mirrorctl ls` and the daemon log";
    return make_error(*first_code_, message);
  }

  const PypiTarget& target_;
  const FileFilter base_;
  SyncContext& context_;
  const PullDeps& deps_;
  std::deque<Work> queue_;
  std::set<std::string> seen_;
  std::vector<std::string> failures_;
  std::optional<ErrorCode> first_code_;
  bool commit_set_ = false;
};

}  // namespace

namespace {

// The policy's indexes, or the daemon's for targets without one; in the order to read them.
Result<std::vector<std::string>> pull_indexes(const PypiTarget& target, const PullDeps& deps) {
  std::vector<std::string> indexes = target.all_indexes();
  if (indexes.empty()) {
    indexes.push_back(deps.default_index);
    indexes.insert(indexes.end(), deps.default_extra_indexes.begin(),
                   deps.default_extra_indexes.end());
  }
  for (const std::string& index : indexes) {
    if (!url_host(index)) {
      return make_error(ErrorCode::kInvalidInput,
                        "the index '" + redact_url(index) + "' is not an http(s) URL");
    }
  }
  return deps.health != nullptr ? deps.health->order(indexes) : indexes;
}

std::vector<std::string> index_hosts(const std::vector<std::string>& indexes) {
  std::vector<std::string> hosts;
  for (const std::string& index : indexes) {
    hosts.push_back(*url_host(index));
  }
  return hosts;
}

}  // namespace

Status run_pypi_pull(const PypiTarget& target, const std::string& root, const PullDeps& deps,
                     JobContext& job) {
  MIRRORD_TRY_ASSIGN(std::vector<std::string> indexes, pull_indexes(target, deps));
  MIRRORD_TRY_ASSIGN(FileFilter filter, FileFilter::from_target(target));
  PypiUpstream upstream(deps.fetcher, deps.upstream, job.cancel_flag());
  FileFetchDeps files{upstream,
                      deps.store,
                      deps.catalog,
                      deps.state_dir / "staging",
                      deps.state_dir / "quarantine" / root,
                      index_hosts(indexes),
                      target.file_hosts,
                      target.max_file_size,
                      [&job](std::uint64_t bytes) { job.add_bytes(bytes); },
                      job.cancel_flag(),
                      deps.health};
  SyncContext context{deps.catalog, deps.store,         upstream,           files, deps.locks, job,
                      root,         std::move(indexes), deps.parallel_files};
  return PullRun(target, std::move(filter), context, deps).run();
}

}  // namespace mirrord::pypi
