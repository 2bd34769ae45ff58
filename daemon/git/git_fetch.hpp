// Fetching a git mirror's selected refs from its upstream with libgit2 (protocols/git.md §2).
//
// One connection: list the upstream refs, select those the policy names, download the objects
// they need (negotiating with everything the mirror already has), then record each selected
// ref's upstream value under the staging namespace refs/mirrord/staging/. Published refs are
// never touched here: deciding which staged values become visible is the ref plan's job.
#pragma once

#include <git2.h>

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "policies/git_target.hpp"
#include "storage/result.hpp"

namespace mirrord::git {

// Where staged upstream values live; never advertised to clients.
inline constexpr std::string_view kStagingPrefix = "refs/mirrord/staging/";
inline constexpr std::string_view kPrivatePrefix = "refs/mirrord/";

struct UpstreamRef {
  std::string name;  // full name, e.g. "refs/heads/main"
  git_oid oid;       // what the upstream advertised (a tag object for annotated tags)
};

struct FetchedUpstream {
  std::vector<UpstreamRef> refs;  // the selected refs, sorted by name
  std::string default_branch;     // upstream HEAD's branch, if it said; else empty
};

struct FetchCallbacks {
  const std::atomic<bool>* cancel = nullptr;
  // Called as the pack arrives: objects received so far, total objects, bytes received.
  std::function<void(unsigned received, unsigned total, std::uint64_t bytes)> progress;
};

// Whether an advertised ref name may be mirrored at all: a valid name under refs/, outside the
// mirror's private namespace, not a peeled "^{}" entry.
bool is_mirrorable_ref_name(const std::string& name);

// The staging ref of an upstream ref: "refs/heads/main" -> "refs/mirrord/staging/heads/main".
std::string staging_ref_name(std::string_view upstream_name);

// Checks that the repository mirrors `url` (recording it on first use): one directory must
// never mix two upstreams. kConflict when it was made from another URL.
Status check_mirror_url(git_repository* repo, const std::string& url);

Result<FetchedUpstream> fetch_upstream(git_repository* repo, const GitTarget& target,
                                       const FetchCallbacks& callbacks);

}  // namespace mirrord::git
