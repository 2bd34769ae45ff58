// Finding the Git LFS pointers in the trees of a mirror's published tips, so that the objects
// they name can be fetched into the BlobStore before the tips become visible.
//
// Each distinct tree and blob is read once however many tips share it, and only blobs no larger
// than a pointer are read at all (their size comes from the object header).
#pragma once

#include <git2.h>

#include <atomic>
#include <string>
#include <vector>

#include "daemon/git/git_lfs_pointer.hpp"
#include "storage/result.hpp"

namespace mirrord::git {

struct FoundLfsObject {
  LfsPointer pointer;
  std::string path;  // the first path it was found at, for messages
};

// Distinct pointers (by oid) reachable from the trees of `tips` (commits or tags peeling to
// commits; other objects are ignored), in the order found.
Result<std::vector<FoundLfsObject>> scan_lfs_pointers(git_repository* repo,
                                                      const std::vector<git_oid>& tips,
                                                      const std::atomic<bool>* cancel);

}  // namespace mirrord::git
