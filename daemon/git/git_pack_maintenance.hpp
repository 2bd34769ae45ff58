// Keeping a git mirror's pack count small for dumb-HTTP clients.
//
// Every sync that brings objects adds one pack; a fresh clone downloads every .idx and pack, so
// past `max_packs` the mirror writes one pack of everything its refs reach (libgit2's
// packbuilder) and retires the old ones. A retired pack leaves objects/info/packs at once but
// stays on disk, still served by name, for `retire_grace_s`: a client that read the old list in
// the middle of a clone can finish. Retired packs are deleted by a later sync. The list lives in
// <repo>/mirrord-retired-packs as "<unix time> <pack name>" lines.
#pragma once

#include <git2.h>

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "storage/result.hpp"

namespace mirrord::git {

struct PackLimits {
  std::size_t max_packs = 64;
  std::int64_t retire_grace_s = 3600;
};

// Adds every object `tips` reach (commits with their history, trees and blobs; tags with what
// they point at) to `builder`. Fails when one is missing: also a full connectivity check.
Status insert_reachable_from(git_repository* repo, git_packbuilder* builder,
                             const std::vector<git_oid>& tips);

// Pack names (pack-X.pack) retired and not yet deleted.
std::set<std::string> retired_packs(const std::filesystem::path& repo_dir);

// Deletes retired packs older than the grace, then consolidates when over max_packs.
Status consolidate_packs(git_repository* repo, const std::filesystem::path& repo_dir,
                         const PackLimits& limits, std::int64_t now);

}  // namespace mirrord::git
