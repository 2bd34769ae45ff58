// Reading a git or Git LFS request path (protocols/git.md §5).
//
// The file part is matched from the end of the path against a closed list of shapes; whatever
// precedes it, minus an optional ".git", is the repository:
//   /git/<mirror name>[.git]/...        a git mirror (source = "git")
//   /<ORG>/<NAME>[.git]/...             a Hugging Face model pulled through the HF ecosystem
//   /datasets/<ORG>/<NAME>[.git]/...    a Hugging Face dataset
// Every segment is percent-decoded and checked; file names are checked against the shapes in
// git_pack_names.hpp, so a path can only ever name one of the files those shapes allow.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "storage/catalog.hpp"

namespace mirrord::git {

enum class GitFile {
  kInfoRefs,     // info/refs
  kHead,         // HEAD
  kInfoPacks,    // objects/info/packs
  kAlternates,   // objects/info/alternates, objects/info/http-alternates: always 404
  kPack,         // objects/pack/pack-<40 hex>.{pack,idx}
  kLooseObject,  // objects/<2 hex>/<38 hex>
  kUploadPack,   // git-upload-pack (smart HTTP, not offered)
  kReceivePack,  // git-receive-pack (push, refused)
  kLfsBatch,     // info/lfs/objects/batch
  kLfsObject,    // info/lfs/objects/<64 hex>
  kLfsLocks,     // info/lfs/locks[/...] (push side, refused)
};

inline bool is_lfs_file(GitFile file) {
  return file == GitFile::kLfsBatch || file == GitFile::kLfsObject || file == GitFile::kLfsLocks;
}

struct GitPath {
  RepoKey repo;  // kind "git" (name = mirror name), "model" or "dataset" (name = ORG/NAME)
  GitFile file = GitFile::kInfoRefs;
  std::string part;  // kPack: file name; kLooseObject: "<2>/<38>"; kLfsObject: the oid
};

enum class GitPathKind {
  kNotGit,     // not a git path: other routes may answer it
  kMalformed,  // under /git/ but not a valid mirror path: 404
  kGit,
};

struct ParsedGitPath {
  GitPathKind kind = GitPathKind::kNotGit;
  GitPath path;
};

ParsedGitPath parse_git_path(std::string_view raw_path);

}  // namespace mirrord::git
