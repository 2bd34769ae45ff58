// RepoTree: the files of one snapshot seen as a git tree, for the tree and paths-info endpoints
// (protocols/hf.md §3.2, §3.3).
//
// The catalog stores files only; directories are synthesized from their paths. A directory's oid
// is the git tree id computed from its children the way git does ("<mode> <name>\0<20-byte id>"
// entries in git's order, hashed as "tree <len>\0..."), with mode 100644 for every file (the
// catalog keeps no modes) and each file's git blob id (of the LFS pointer for LFS files). For the
// usual repo of plain files this equals the upstream tree id; clients do not check it either way.
//
// Immutable once built: HfCatalogView keeps one per snapshot and shares it between requests.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/catalog.hpp"
#include "storage/digest.hpp"

namespace mirrord::hf {

struct TreeEntry {
  std::string path;                    // full path from the repo root
  GitOid oid;                          // blob id (files) or tree id (directories)
  const SnapshotFile* file = nullptr;  // null for directories
  bool is_directory() const { return file == nullptr; }
};

class RepoTree {
 public:
  explicit RepoTree(std::vector<SnapshotFile> files);
  ~RepoTree();
  RepoTree(const RepoTree&) = delete;
  RepoTree& operator=(const RepoTree&) = delete;

  // The entry at `path` (a file or a directory); "" is the root directory.
  std::optional<TreeEntry> entry(const std::string& path) const;
  // The entries below the directory `path`: direct children, or every descendant when
  // `recursive`. Sorted by path. Empty when `path` is not a directory.
  std::vector<TreeEntry> list(const std::string& path, bool recursive) const;
  std::size_t file_count() const { return files_.size(); }

 private:
  struct Node;
  const Node* find_directory(const std::string& path) const;
  void collect(const Node& node, const std::string& prefix, bool recursive,
               std::vector<TreeEntry>& out) const;

  std::vector<SnapshotFile> files_;
  std::unique_ptr<Node> root_;
};

// The E2/E3 JSON shape of an entry: {type, oid, size, path[, lfs{oid,size,pointerSize}]}.
nlohmann::json tree_entry_json(const TreeEntry& entry);

// The E1 `?blobs=true` sibling shape: {rfilename, size, blobId[, lfs{sha256,size,pointerSize}]}.
nlohmann::json sibling_json(const SnapshotFile& file, bool with_blobs);

}  // namespace mirrord::hf
