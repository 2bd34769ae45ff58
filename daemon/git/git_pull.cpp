#include "daemon/git/git_pull.hpp"

#include <chrono>
#include <memory>

#include "daemon/git/git_catalog.hpp"
#include "daemon/git/git_fetch.hpp"
#include "daemon/git/git_handles.hpp"
#include "daemon/git/git_lfs_scan.hpp"
#include "daemon/git/git_lfs_upstream.hpp"
#include "daemon/git/git_pack_blobs.hpp"
#include "daemon/git/git_pack_maintenance.hpp"
#include "daemon/git/git_ref_plan.hpp"
#include "daemon/git/git_server_info.hpp"
#include "daemon/upstream_changes.hpp"

namespace mirrord {
namespace {

using git::RefPlan;

// What the job shows: the pack's objects as files while it downloads, then one file per LFS
// object; bytes of both.
struct PullProgress {
  unsigned objects_total = 0;
  unsigned objects_seen = 0;
  std::uint64_t bytes_seen = 0;
};

git::FetchCallbacks progress_callbacks(JobContext& job, std::shared_ptr<PullProgress> progress) {
  git::FetchCallbacks callbacks;
  callbacks.cancel = job.cancel_flag();
  callbacks.progress = [&job, progress](unsigned received, unsigned total, std::uint64_t bytes) {
    if (total != progress->objects_total) {
      progress->objects_total = total;
      job.set_totals(total, 0);
    }
    for (; progress->objects_seen < received; ++progress->objects_seen) {
      job.file_done();
    }
    if (bytes > progress->bytes_seen) {
      job.add_bytes(bytes - progress->bytes_seen);
      progress->bytes_seen = bytes;
    }
  };
  return callbacks;
}

Status fetch_lfs_of_tips(git_repository* repo, const RefPlan& plan, const Policy& policy,
                         const GitPullDeps& deps, JobContext& job, const PullProgress& progress,
                         std::vector<git::LfsPointer>& found) {
  std::vector<git_oid> tips;
  for (const git::PlannedRef& ref : plan.refs) {
    tips.push_back(plan.resulting(ref));
  }
  MIRRORD_TRY_ASSIGN(const auto objects, git::scan_lfs_pointers(repo, tips, job.cancel_flag()));
  for (const git::FoundLfsObject& object : objects) {
    found.push_back(object.pointer);
  }
  if (found.empty()) {
    return {};
  }
  job.set_totals(progress.objects_seen + found.size(), 0);
  const git::LfsFetchDeps lfs_deps{deps.lfs_fetcher, deps.store, deps.catalog};
  Status fetched = git::fetch_lfs_objects(lfs_deps, policy.git.lfs_server_url(), found, job);
  if (!fetched) {
    return make_error(fetched.error().code,
                      fetched.error().message +
                          " (nothing new was published; set lfs_url, or lfs = false to mirror "
                          "the pointers only)");
  }
  return {};
}

std::string head_branch(git_repository* repo) {
  git_reference* raw = nullptr;
  if (git_reference_lookup(&raw, repo, "HEAD") < 0) {
    git_error_clear();
    return {};
  }
  git::ReferenceHandle head(raw);
  const char* target = git_reference_symbolic_target(head.get());
  return target == nullptr ? std::string() : target;
}

Error refused_error(const Policy& policy, const RefPlan& plan) {
  const std::string where = policy.file.empty()
                                ? std::string("a policy for this URL")
                                : "policy '" + policy.name + "' (" + policy.file.string() + ")";
  return make_error(ErrorCode::kPolicy,
                    "upstream rewrote history of " + git::describe_refused(plan.refused()) +
                        "; the mirror keeps serving the published commits. Every other ref was "
                        "updated. To accept the rewrite, set allow_rewrite = true in " +
                        where);
}

Result<std::set<std::string>> pinned_refs(Catalog& catalog, const RepoKey& repo) {
  MIRRORD_TRY_ASSIGN(const std::vector<PinRecord> pins, catalog.list_pins(&repo));
  std::set<std::string> names;
  for (const PinRecord& pin : pins) {
    if (pin.names_ref()) {
      names.insert(pin.name);
    }
  }
  return names;
}

// Records each published ref that upstream rewrote (a moved tag, a force-pushed branch) and each
// pinned ref it moved, saying what the mirror serves now.
void record_ref_changes(Catalog& catalog, const RepoKey& repo, const RefPlan& plan) {
  for (const git::PlannedRef& ref : plan.refs) {
    if (!ref.published || ref.change == git::RefChange::kUnchanged) {
      continue;
    }
    const bool rewrite = ref.change == git::RefChange::kRewrite;
    if (!rewrite && !plan.held.contains(ref.name)) {
      continue;
    }
    const std::string published = git::oid_hex(*ref.published);
    const std::string moved =
        ref.name + ": upstream moved it from " + published + " to " + git::oid_hex(ref.upstream);
    const std::string outcome = plan.accepts(ref)
                                    ? "; accepted (allow_rewrite = true)"
                                    : "; the mirror keeps serving " + published +
                                          (plan.held.contains(ref.name) ? " (pinned)" : "");
    const char* change = !rewrite                             ? kChangePinnedRefKept
                         : ref.name.starts_with("refs/tags/") ? kChangeTagMoved
                                                              : kChangeBranchRewritten;
    record_upstream_change(catalog, repo, change, moved + outcome);
  }
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::filesystem::path git_mirror_directory(const std::filesystem::path& storage_root,
                                           const std::string& name) {
  return storage_root / "git" / (name + ".git");
}

Status run_git_pull(const Policy& policy, const GitPullDeps& deps, JobContext& job) {
  const std::string name = policy.git.mirror_name(policy.name);
  if (const std::string problem = git_mirror_name_problem(name); !problem.empty()) {
    return make_error(ErrorCode::kInvalidInput,
                      "'" + name + "' cannot name a git mirror: it " + problem);
  }
  const std::filesystem::path dir = git_mirror_directory(deps.storage_root, name);
  MIRRORD_TRY_ASSIGN(git::RepositoryHandle repo, git::open_or_init_bare(dir.string()));
  MIRRORD_TRY(git::check_mirror_url(repo.get(), policy.git.url));
  auto progress = std::make_shared<PullProgress>();
  const git::FetchCallbacks callbacks = progress_callbacks(job, progress);
  const RepoKey catalog_repo{git::kGitRepoKind, name};
  auto fetched = git::fetch_upstream(repo.get(), policy.git, callbacks);
  if (!fetched) {
    return note_upstream_gone(deps.catalog, catalog_repo, fetched.error());
  }
  MIRRORD_TRY_ASSIGN(RefPlan plan,
                     git::plan_ref_updates(repo.get(), fetched->refs, policy.git.allow_rewrite));
  MIRRORD_TRY_ASSIGN(plan.held, pinned_refs(deps.catalog, catalog_repo));
  record_ref_changes(deps.catalog, catalog_repo, plan);
  std::vector<git::LfsPointer> lfs_objects;
  if (policy.git.lfs) {
    MIRRORD_TRY(fetch_lfs_of_tips(repo.get(), plan, policy, deps, job, *progress, lfs_objects));
  }
  MIRRORD_TRY(git::apply_ref_plan(repo.get(), plan));
  MIRRORD_TRY(git::update_head(repo.get(), fetched->default_branch));
  MIRRORD_TRY(git::consolidate_packs(repo.get(), dir, git::PackLimits{}, unix_now()));
  MIRRORD_TRY(git::write_server_info(repo.get(), dir));

  git::GitSyncRecord record;
  MIRRORD_TRY_ASSIGN(const auto previous_files,
                     git::current_record_files(deps.catalog, catalog_repo));
  MIRRORD_TRY_ASSIGN(record.packs,
                     git::store_pack_blobs(dir, previous_files, deps.store, deps.catalog));
  record.name = name;
  record.url = policy.git.url;
  record.head = head_branch(repo.get());
  record.synced_at = unix_now();
  MIRRORD_TRY_ASSIGN(record.refs, git::list_published_refs(repo.get()));
  for (const git::PlannedRef& ref : plan.refused()) {
    record.refused.push_back(ref.name);
  }
  record.lfs_objects = std::move(lfs_objects);
  MIRRORD_TRY(git::publish_git_mirror(deps.catalog, record));
  git_oid head_commit;
  if (git_reference_name_to_id(&head_commit, repo.get(), "HEAD") == 0) {
    job.set_commit(git::oid_hex(head_commit));
  }
  git_error_clear();
  if (!plan.refused().empty()) {
    return refused_error(policy, plan);
  }
  return {};
}

}  // namespace mirrord
