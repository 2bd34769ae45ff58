// How git mirrors appear in the Catalog (so that `mirrorctl ls` lists them and the LFS routes
// know what a repository publishes).
//
// A mirror is repo {kind "git", name}. Each published git ref is a catalog ref of the same full
// name ("refs/heads/main") pointing at a snapshot named by the commit it peels to (no files).
// Each sync also publishes a sync record under the ref "current": its info_json lists the
// upstream URL, the sync time, HEAD, every ref -> object id and the refused rewrites, its commit
// is the git blob id of that record, and its files are the mirror's LFS objects
// ("lfs/objects/<sha256>"), kept from sync to sync so an object once served stays served, and
// the repository's packs ("git/packs/pack-<id>.pack", git_pack_blobs.hpp), which snapshot
// records carry to other mirrors.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "daemon/git/git_lfs_batch.hpp"
#include "daemon/git/git_lfs_pointer.hpp"
#include "daemon/git/git_published_refs.hpp"
#include "storage/catalog.hpp"

namespace mirrord::git {

inline constexpr const char* kGitRepoKind = "git";
inline constexpr const char* kCurrentRef = "current";

struct GitSyncRecord {
  std::string name;                     // the mirror's name
  std::string url;                      // upstream
  std::string head;                     // e.g. "refs/heads/main"; empty when unborn
  std::int64_t synced_at = 0;           // unix seconds
  std::vector<PublishedRef> refs;       // every published ref after the sync
  std::vector<std::string> refused;     // refs whose upstream rewrite was refused
  std::vector<LfsPointer> lfs_objects;  // LFS objects of the published tips (all in the store)
  std::vector<SnapshotFile> packs;      // the served packs, in the store (git_pack_blobs.hpp)
};

// The info_json of the sync record.
std::string render_sync_record(const GitSyncRecord& record);

// The files of the last sync record (LFS objects and packs); empty before the first sync.
Result<std::vector<SnapshotFile>> current_record_files(Catalog& catalog, const RepoKey& repo);

// Publishes the per-ref snapshots, then the sync record.
Status publish_git_mirror(Catalog& catalog, const GitSyncRecord& record);

// The LFS objects a repository publishes: for a git mirror, the files of its "current" record;
// for a Hugging Face repo, the LFS files of every snapshot a ref points at.
Result<LfsScope> lfs_scope_of(Catalog& catalog, const RepoKey& repo);

}  // namespace mirrord::git
