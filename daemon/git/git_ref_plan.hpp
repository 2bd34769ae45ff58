// Which staged upstream values become published refs (protocols/git.md §2; invariant 8).
//
// A published ref only moves forward: a branch may move to a descendant of its published commit;
// a tag never moves. Anything else is a history rewrite, refused unless the policy allows it;
// a refused ref keeps its published value, and the objects it reaches stay in the repository, so
// a published ref never disappears. Refs deleted upstream stay published for the same reason.
#pragma once

#include <git2.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "daemon/git/git_fetch.hpp"
#include "storage/result.hpp"

namespace mirrord::git {

enum class RefChange { kUnchanged, kCreate, kFastForward, kRewrite };

struct PlannedRef {
  std::string name;
  std::optional<git_oid> published;  // the current published value, if any
  git_oid upstream;                  // the staged upstream value
  RefChange change = RefChange::kUnchanged;
};

struct RefPlan {
  std::vector<PlannedRef> refs;  // every selected upstream ref
  bool allow_rewrite = false;
  std::set<std::string> held;  // pinned refs (`mirrorctl pin`): a published one never moves

  bool accepts(const PlannedRef& ref) const {
    if (ref.published && held.contains(ref.name)) {
      return false;
    }
    return ref.change == RefChange::kCreate || ref.change == RefChange::kFastForward ||
           (ref.change == RefChange::kRewrite && allow_rewrite);
  }
  // Rewrites the policy does not allow.
  std::vector<PlannedRef> refused() const;
  // The value each selected ref will have once the plan is applied.
  git_oid resulting(const PlannedRef& ref) const {
    return accepts(ref) ? ref.upstream : (ref.published ? *ref.published : ref.upstream);
  }
};

// Classifies each upstream ref against the repository's published refs.
Result<RefPlan> plan_ref_updates(git_repository* repo, const std::vector<UpstreamRef>& upstream,
                                 bool allow_rewrite);

// Writes the accepted values into the published refs.
Status apply_ref_plan(git_repository* repo, const RefPlan& plan);

// Points HEAD at `default_branch` when it is published; otherwise keeps HEAD if it names a
// published branch, else picks main, master, or the first published branch.
Status update_head(git_repository* repo, const std::string& default_branch);

// "refs/heads/x (old abc1234 -> new def5678)" lines for messages.
std::string describe_refused(const std::vector<PlannedRef>& refused);

}  // namespace mirrord::git
