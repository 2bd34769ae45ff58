// HfCatalogView: the catalog questions the Hugging Face routes ask, with their answers already in
// protocol terms (RepoNotFound, RevisionNotFound, 503 on a catalog failure).
//
// Revisions (protocols/hf.md §2): a branch or tag name goes through the repo's refs; a 40-hex
// commit names a snapshot directly (and makes the answer immutable); "HEAD" and an empty revision
// mean the default branch: "main", or the repo's only ref. A revision given as raw segments
// ("tree/refs/pr/1/onnx") is split by matching the longest known ref name.
//
// Every request goes to the catalog today; this is the one place where an in-memory cache of
// refs and file entries can be added later without touching the endpoints.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon/hf/hf_serve_errors.hpp"
#include "storage/catalog.hpp"

namespace mirrord::hf {

struct ResolvedRevision {
  SnapshotInfo snapshot;
  bool pinned = false;  // the request named the commit itself: the answer never changes
};

struct RevisionPrefix {
  ResolvedRevision revision;
  std::size_t consumed = 0;  // how many leading segments formed the revision
};

class HfCatalogView {
 public:
  explicit HfCatalogView(std::shared_ptr<Catalog> catalog) : catalog_(std::move(catalog)) {}

  HfResult<bool> repo_exists(const RepoKey& repo) const;
  // `revision` is one decoded value ("main", "refs/pr/1", a commit, "HEAD" or empty).
  HfResult<ResolvedRevision> resolve(const RepoKey& repo, const std::string& revision) const;
  // `segments` start with the revision, raw-split; the rest is a path inside the repo.
  HfResult<RevisionPrefix> resolve_prefix(const RepoKey& repo,
                                          const std::vector<std::string>& segments) const;

  HfResult<std::optional<SnapshotFile>> find_file(std::int64_t snapshot_id,
                                                  const std::string& path) const;
  HfResult<std::vector<SnapshotFile>> list_files(std::int64_t snapshot_id) const;
  HfResult<std::vector<RefInfo>> list_refs(const RepoKey& repo) const;

 private:
  HfResult<ResolvedRevision> default_revision(const RepoKey& repo) const;
  HfResult<ResolvedRevision> snapshot_at(const RepoKey& repo, const std::string& commit,
                                         bool pinned, const std::string& asked) const;

  std::shared_ptr<Catalog> catalog_;
};

// Whether `text` is a 40-hex commit id (either case).
bool is_commit_id(const std::string& text);

}  // namespace mirrord::hf
