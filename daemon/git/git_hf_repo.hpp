// Serving a Hugging Face repo that was pulled through the HF ecosystem as a git repository.
//
// The catalog holds snapshots (path -> blob), not git history, so the mirror synthesizes one
// commit per snapshot into a bare repository under <root>/git-hf/<kind>/<ORG>/<NAME>.git: the
// snapshot's tree (LFS files as pointer blobs), a fixed author and the snapshot's publication
// time, and a trailer naming the upstream commit. Each catalog ref becomes a branch (refs that
// already start with "refs/" keep their name); when a ref moves to a new snapshot, the new commit's
// parent is the branch's previous commit, so clients fast-forward. Commit ids therefore differ
// from the Hub's; tree ids match when every file was mirrored.
//
// HfGitRepos::refresh() brings the repository in line with the catalog's refs. It is called on
// each info/refs request (the first request of every clone and fetch) and serializes itself.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>

#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"

namespace mirrord::git {

// The line that ties a synthesized commit to its snapshot.
inline constexpr std::string_view kHfCommitTrailer = "Hf-Commit: ";

class HfGitRepos {
 public:
  HfGitRepos(std::shared_ptr<Catalog> catalog, std::shared_ptr<BlobStore> store,
             std::filesystem::path root);

  // The repository directory of a catalog repo (kind "model" or "dataset", name "ORG/NAME").
  std::filesystem::path directory(const RepoKey& repo) const;

  // Synthesizes what changed since the last call and rewrites the dumb-HTTP index files.
  Status refresh(const RepoKey& repo);

 private:
  Status refresh_locked(const RepoKey& repo);

  std::shared_ptr<Catalog> catalog_;
  std::shared_ptr<BlobStore> store_;
  std::filesystem::path root_;  // <storage root>/git-hf
  std::mutex mutex_;
};

}  // namespace mirrord::git
