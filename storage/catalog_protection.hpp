// Values of the catalog's protection methods: operator pins and recorded upstream changes
// (README, "Pinned snapshots and upstream changes").
//
// A pin names one snapshot of a repo, either by a ref (`main`, `refs/tags/v1`) or by its commit.
// Retention never unpublishes a pinned snapshot, so GC never collects its blobs, and a pull
// never moves a pinned ref: the new commit is published under its commit id only and the move
// is recorded as an upstream change.
//
// An upstream change is something an upstream did to a mirrored repo that the mirror did not
// follow: a repo deleted, a tag moved, a branch rewritten, a file replaced, a release rolled back.
// What is published stays published; the change is only recorded, once per distinct detail.
#pragma once

#include <cstdint>
#include <string>

namespace mirrord {

struct PinRecord {
  std::string kind;  // the repo, as in RepoKey
  std::string repo;
  std::string name;    // the ref name, or the commit when the pin names a commit
  std::string commit;  // the snapshot kept
  std::string reason;
  std::int64_t created_at = 0;

  bool names_ref() const { return name != commit; }
};

// Kinds of upstream change (the `change` column); each ecosystem records those that apply.
inline constexpr const char* kChangeDeletedUpstream = "deleted upstream";
inline constexpr const char* kChangeTagMoved = "tag moved";
inline constexpr const char* kChangeBranchRewritten = "branch rewritten";
inline constexpr const char* kChangePinnedRefKept = "pinned ref kept";
inline constexpr const char* kChangeFileReplaced = "file replaced";
inline constexpr const char* kChangeFileDelisted = "file de-listed";
inline constexpr const char* kChangeReleaseRolledBack = "release rolled back";
inline constexpr const char* kChangePackagesDropped = "packages dropped";

struct UpstreamChange {
  std::int64_t id = 0;
  std::string kind;  // the repo, as in RepoKey
  std::string repo;
  std::string change;  // one of the kChange* names
  std::string detail;  // what changed, in words an operator can act on
  std::int64_t recorded_at = 0;
};

}  // namespace mirrord
