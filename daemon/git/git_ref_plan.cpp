#include "daemon/git/git_ref_plan.hpp"

#include <algorithm>

#include "daemon/git/git_handles.hpp"
#include "daemon/git/git_published_refs.hpp"

namespace mirrord::git {
namespace {

Result<std::optional<git_oid>> published_value(git_repository* repo, const std::string& name) {
  git_oid oid;
  const int rc = git_reference_name_to_id(&oid, repo, name.c_str());
  if (rc == GIT_ENOTFOUND) {
    git_error_clear();
    return std::optional<git_oid>();
  }
  MIRRORD_TRY(git_check(rc, "read " + name));
  return std::optional<git_oid>(oid);
}

// The commit an object peels to, or nullopt for a tree or blob.
std::optional<git_oid> peel_to_commit(git_repository* repo, const git_oid& oid) {
  git_object* raw = nullptr;
  if (git_object_lookup(&raw, repo, &oid, GIT_OBJECT_ANY) < 0) {
    git_error_clear();
    return std::nullopt;
  }
  ObjectHandle object(raw);
  git_object* peeled_raw = nullptr;
  if (git_object_peel(&peeled_raw, object.get(), GIT_OBJECT_COMMIT) < 0) {
    git_error_clear();
    return std::nullopt;
  }
  ObjectHandle peeled(peeled_raw);
  return *git_object_id(peeled.get());
}

Result<RefChange> classify(git_repository* repo, const std::string& name, const git_oid& old_oid,
                           const git_oid& new_oid) {
  if (git_oid_equal(&old_oid, &new_oid)) {
    return RefChange::kUnchanged;
  }
  if (name.starts_with("refs/tags/")) {
    return RefChange::kRewrite;  // tags never move
  }
  const auto old_commit = peel_to_commit(repo, old_oid);
  const auto new_commit = peel_to_commit(repo, new_oid);
  if (!old_commit || !new_commit) {
    return RefChange::kRewrite;
  }
  const int descends = git_graph_descendant_of(repo, &*new_commit, &*old_commit);
  MIRRORD_TRY(git_check(descends, "compare histories of " + name));
  return descends == 1 ? RefChange::kFastForward : RefChange::kRewrite;
}

std::string short_hex(const git_oid& oid) {
  return oid_hex(oid).substr(0, 12);
}

}  // namespace

std::vector<PlannedRef> RefPlan::refused() const {
  std::vector<PlannedRef> refused;
  for (const PlannedRef& ref : refs) {
    if (ref.change == RefChange::kRewrite && !allow_rewrite) {
      refused.push_back(ref);
    }
  }
  return refused;
}

Result<RefPlan> plan_ref_updates(git_repository* repo, const std::vector<UpstreamRef>& upstream,
                                 bool allow_rewrite) {
  RefPlan plan;
  plan.allow_rewrite = allow_rewrite;
  for (const UpstreamRef& ref : upstream) {
    PlannedRef planned{ref.name, std::nullopt, ref.oid, RefChange::kCreate};
    MIRRORD_TRY_ASSIGN(planned.published, published_value(repo, ref.name));
    if (planned.published) {
      MIRRORD_TRY_ASSIGN(planned.change, classify(repo, ref.name, *planned.published, ref.oid));
    }
    plan.refs.push_back(std::move(planned));
  }
  return plan;
}

Status apply_ref_plan(git_repository* repo, const RefPlan& plan) {
  for (const PlannedRef& ref : plan.refs) {
    if (!plan.accepts(ref)) {
      continue;
    }
    git_reference* raw = nullptr;
    MIRRORD_TRY(git_check(git_reference_create(&raw, repo, ref.name.c_str(), &ref.upstream,
                                               /*force=*/1, "mirrord publish"),
                          "publish " + ref.name));
    git_reference_free(raw);
  }
  return {};
}

Status update_head(git_repository* repo, const std::string& default_branch) {
  MIRRORD_TRY_ASSIGN(const std::vector<PublishedRef> refs, list_published_refs(repo));
  const auto published_branch = [&](const std::string& name) {
    return name.starts_with("refs/heads/") &&
           std::any_of(refs.begin(), refs.end(),
                       [&](const PublishedRef& ref) { return ref.name == name; });
  };
  std::string head;
  if (published_branch(default_branch)) {
    head = default_branch;
  } else {
    git_reference* raw = nullptr;
    if (git_reference_lookup(&raw, repo, "HEAD") == 0) {
      ReferenceHandle ref(raw);
      const char* target = git_reference_symbolic_target(ref.get());
      if (target != nullptr && published_branch(target)) {
        return {};
      }
    }
    git_error_clear();
    for (const char* fallback : {"refs/heads/main", "refs/heads/master"}) {
      if (head.empty() && published_branch(fallback)) {
        head = fallback;
      }
    }
    for (const PublishedRef& ref : refs) {
      if (head.empty() && published_branch(ref.name)) {
        head = ref.name;
      }
    }
  }
  if (head.empty()) {
    return {};  // no branch at all (a tags-only mirror): HEAD stays unborn
  }
  return git_check(git_repository_set_head(repo, head.c_str()), "point HEAD at " + head);
}

std::string describe_refused(const std::vector<PlannedRef>& refused) {
  std::string text;
  for (const PlannedRef& ref : refused) {
    text += (text.empty() ? "" : ", ") + ref.name + " (published " +
            (ref.published ? short_hex(*ref.published) : std::string("none")) + ", upstream now " +
            short_hex(ref.upstream) + ")";
  }
  return text;
}

}  // namespace mirrord::git
