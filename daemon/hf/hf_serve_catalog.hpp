// HfCatalogView: the catalog questions the Hugging Face routes ask, with their answers already in
// protocol terms (RepoNotFound, RevisionNotFound, 503 on a catalog failure).
//
// Revisions (protocols/hf.md §2): a branch or tag name goes through the repo's refs; a 40-hex
// commit names a snapshot directly (and makes the answer immutable); "HEAD" and an empty revision
// mean the default branch: "main", or the repo's only ref. A revision given as raw segments
// ("tree/refs/pr/1/onnx") is split by matching the longest known ref name.
//
// Answers are cached in memory (hf_serve_cache.hpp) until the catalog generation changes, when
// the view is given one: the hot requests (HEAD/GET on resolve, repo info) then cost no SQLite
// round trip. Without a generation every question goes to the catalog.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon/catalog_generation.hpp"
#include "daemon/hf/hf_serve_errors.hpp"
#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"

namespace mirrord::hf {

// Shared with the cache rather than copied: a snapshot carries its whole info_json.
using SnapshotRef = std::shared_ptr<const SnapshotInfo>;
using RefList = std::shared_ptr<const std::vector<RefInfo>>;

struct ResolvedRevision {
  SnapshotRef snapshot;  // never null
  bool pinned = false;   // the request named the commit itself: the answer never changes
};

struct RevisionPrefix {
  ResolvedRevision revision;
  std::size_t consumed = 0;  // how many leading segments formed the revision
};

class RepoTree;  // hf_serve_entries.hpp
using FileList = std::shared_ptr<const std::vector<SnapshotFile>>;

// A blob opened for serving. The descriptor is shared: sendfile reads at explicit offsets, so
// concurrent responses never disturb each other.
struct ServedBlob {
  std::shared_ptr<UniqueFd> fd;
  std::uint64_t size = 0;
};

class HfCatalogView {
 public:
  // `generation` may be null: nothing is cached then.
  explicit HfCatalogView(std::shared_ptr<Catalog> catalog,
                         std::shared_ptr<const CatalogGeneration> generation = nullptr);

  HfResult<bool> repo_exists(const RepoKey& repo) const;
  // `revision` is one decoded value ("main", "refs/pr/1", a commit, "HEAD" or empty).
  HfResult<ResolvedRevision> resolve(const RepoKey& repo, const std::string& revision) const;
  // `segments` start with the revision, raw-split; the rest is a path inside the repo.
  HfResult<RevisionPrefix> resolve_prefix(const RepoKey& repo,
                                          const std::vector<std::string>& segments) const;

  HfResult<std::optional<SnapshotFile>> find_file(std::int64_t snapshot_id,
                                                  const std::string& path) const;
  HfResult<FileList> list_files(std::int64_t snapshot_id) const;  // by path
  HfResult<std::shared_ptr<const RepoTree>> repo_tree(std::int64_t snapshot_id) const;
  HfResult<RefList> list_refs(const RepoKey& repo) const;  // never null

  // The blob of `digest` from `store`, kept open while it is hot: opening a file costs more than
  // all the catalog answers of a request together. Blobs are immutable, so a kept descriptor
  // always reads the right bytes.
  HfResult<ServedBlob> open_blob(const BlobStore& store, const Sha256& digest) const;

  // A response body rendered from catalog answers, kept like them: `key` must name everything
  // the body depends on (endpoint, snapshot id, query flags).
  HfResult<std::shared_ptr<const std::string>> rendered(
      const std::string& key, const std::function<HfResult<std::string>()>& render) const;

 private:
  struct Caches;

  HfResult<ResolvedRevision> default_revision(const RepoKey& repo) const;
  HfResult<ResolvedRevision> snapshot_at(const RepoKey& repo, const std::string& commit,
                                         bool pinned, const std::string& asked) const;
  HfResult<std::optional<std::string>> resolve_ref(const RepoKey& repo,
                                                   const std::string& ref) const;

  std::shared_ptr<Catalog> catalog_;
  std::shared_ptr<Caches> caches_;
};

// Whether `text` is a 40-hex commit id (either case).
bool is_commit_id(const std::string& text);

}  // namespace mirrord::hf
