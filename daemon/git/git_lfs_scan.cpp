#include "daemon/git/git_lfs_scan.hpp"

#include <cstring>
#include <set>
#include <unordered_set>

#include "daemon/git/git_handles.hpp"

namespace mirrord::git {
namespace {

// The smallest canonical pointer: version line, oid line and "size 0".
constexpr std::size_t kMinPointerSize = 126;

struct OidHash {
  std::size_t operator()(const git_oid& oid) const {
    std::size_t hash = 0;
    std::memcpy(&hash, oid.id, sizeof hash);
    return hash;
  }
};
struct OidEqual {
  bool operator()(const git_oid& a, const git_oid& b) const { return git_oid_equal(&a, &b); }
};
using OidSet = std::unordered_set<git_oid, OidHash, OidEqual>;

struct ScanState {
  git_odb* odb = nullptr;
  const std::atomic<bool>* cancel = nullptr;
  OidSet seen_trees;
  OidSet seen_blobs;
  std::set<Sha256> seen_lfs;
  std::vector<FoundLfsObject> found;
  std::optional<Error> error;
};

void inspect_blob(ScanState& state, const git_oid& oid, const std::string& path) {
  std::size_t size = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  if (git_odb_read_header(&size, &type, state.odb, &oid) < 0) {
    state.error = git_check(-1, "read object header of " + path).error();
    return;
  }
  if (size < kMinPointerSize || size > kMaxLfsPointerSize) {
    return;
  }
  git_odb_object* raw = nullptr;
  if (git_odb_read(&raw, state.odb, &oid) < 0) {
    state.error = git_check(-1, "read " + path).error();
    return;
  }
  GitHandle<git_odb_object, git_odb_object_free> object(raw);
  const std::string_view text(static_cast<const char*>(git_odb_object_data(object.get())),
                              git_odb_object_size(object.get()));
  const auto pointer = parse_lfs_pointer(text);
  if (!pointer) {
    return;
  }
  if (state.seen_lfs.insert(pointer->oid).second) {
    state.found.push_back(FoundLfsObject{*pointer, path});
  }
}

int visit(const char* root, const git_tree_entry* entry, void* payload) {
  auto& state = *static_cast<ScanState*>(payload);
  if (state.cancel != nullptr && state.cancel->load()) {
    state.error = make_error(ErrorCode::kCancelled, "the pull was cancelled");
    return -1;
  }
  const git_oid& oid = *git_tree_entry_id(entry);
  switch (git_tree_entry_type(entry)) {
    case GIT_OBJECT_TREE:
      return state.seen_trees.insert(oid).second ? 0 : 1;  // 1: skip a subtree already seen
    case GIT_OBJECT_BLOB:
      if (state.seen_blobs.insert(oid).second) {
        inspect_blob(state, oid, std::string(root) + git_tree_entry_name(entry));
      }
      return state.error ? -1 : 0;
    default:
      return 0;  // submodule commits
  }
}

Status scan_tip(git_repository* repo, const git_oid& tip, ScanState& state) {
  git_object* raw = nullptr;
  MIRRORD_TRY(git_check(git_object_lookup(&raw, repo, &tip, GIT_OBJECT_ANY), "read a tip"));
  ObjectHandle object(raw);
  git_object* tree_raw = nullptr;
  if (git_object_peel(&tree_raw, object.get(), GIT_OBJECT_TREE) < 0) {
    git_error_clear();
    return {};  // a tag of a blob: no tree to scan
  }
  ObjectHandle tree(tree_raw);
  if (!state.seen_trees.insert(*git_object_id(tree.get())).second) {
    return {};
  }
  const int rc =
      git_tree_walk(reinterpret_cast<git_tree*>(tree.get()), GIT_TREEWALK_PRE, visit, &state);
  if (state.error) {
    return *state.error;
  }
  return git_check(rc, "walk a tree");
}

}  // namespace

Result<std::vector<FoundLfsObject>> scan_lfs_pointers(git_repository* repo,
                                                      const std::vector<git_oid>& tips,
                                                      const std::atomic<bool>* cancel) {
  git_odb* raw = nullptr;
  MIRRORD_TRY(git_check(git_repository_odb(&raw, repo), "open object database"));
  OdbHandle odb(raw);
  ScanState state;
  state.odb = odb.get();
  state.cancel = cancel;
  for (const git_oid& tip : tips) {
    MIRRORD_TRY(scan_tip(repo, tip, state));
  }
  return std::move(state.found);
}

}  // namespace mirrord::git
