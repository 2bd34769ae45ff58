// The git tree of a published snapshot, for serving a Hugging Face repo to `git clone`.
//
// Regular files are read from the BlobStore and must hash to the git blob id the catalog
// records; LFS files become their pointer text (lfs_pointer_text), so git-lfs fetches the bytes
// through the mirror's Batch API. When the snapshot has LFS files but no .gitattributes of its
// own (a policy's include patterns may leave it out), one is added that marks exactly those
// files, so that checkout smudges them.
#pragma once

#include <git2.h>

#include <string>
#include <vector>

#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"

namespace mirrord::git {

// Regular files larger than this are not turned into git blobs (they are held in memory).
inline constexpr std::uint64_t kMaxRegularFileBytes = 64ull << 20;

Result<git_oid> build_snapshot_tree(git_repository* repo, const BlobStore& store,
                                    const std::vector<SnapshotFile>& files);

// The .gitattributes text that routes every listed path through the LFS filter. Paths are
// anchored and quoted so that no character in a name acts as a glob.
std::string lfs_gitattributes(const std::vector<std::string>& lfs_paths);

}  // namespace mirrord::git
