#include "daemon/git/git_snapshot_tree.hpp"

#include <unistd.h>

#include <cerrno>
#include <map>

#include "daemon/git/git_handles.hpp"

namespace mirrord::git {
namespace {

constexpr std::string_view kAttributesName = ".gitattributes";

// One directory of the tree being built: file name -> blob id, and subdirectories.
struct TreeDir {
  std::map<std::string, git_oid> blobs;
  std::map<std::string, TreeDir> dirs;
};

Result<std::string> read_blob_bytes(const BlobStore& store, const SnapshotFile& file) {
  if (file.size > kMaxRegularFileBytes) {
    return make_error(ErrorCode::kPolicy, file.path + " is a regular file over 64 MiB");
  }
  MIRRORD_TRY_ASSIGN(OpenBlob blob, store.open(file.sha256));
  std::string bytes(blob.size, '\0');
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n =
        ::pread(blob.fd.get(), bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return make_error(ErrorCode::kIo, "cannot read the blob of " + file.path);
    }
    done += static_cast<std::size_t>(n);
  }
  return bytes;
}

Result<git_oid> write_blob(git_repository* repo, std::string_view bytes, const std::string& path) {
  git_oid oid;
  MIRRORD_TRY(git_check(git_blob_create_from_buffer(&oid, repo, bytes.data(), bytes.size()),
                        "store " + path));
  return oid;
}

Result<git_oid> blob_of(git_repository* repo, const BlobStore& store, const SnapshotFile& file) {
  if (file.lfs) {
    return write_blob(repo, lfs_pointer_text(file.sha256, file.size), file.path);
  }
  MIRRORD_TRY_ASSIGN(const std::string bytes, read_blob_bytes(store, file));
  MIRRORD_TRY_ASSIGN(const git_oid oid, write_blob(repo, bytes, file.path));
  if (oid_hex(oid) != file.git_oid.hex()) {
    return make_error(ErrorCode::kDigestMismatch, file.path + ": the stored bytes hash to git " +
                                                      oid_hex(oid) + ", the catalog says " +
                                                      file.git_oid.hex());
  }
  return oid;
}

Status place(TreeDir& root, const std::string& path, const git_oid& oid) {
  TreeDir* dir = &root;
  std::size_t start = 0;
  for (std::size_t slash; (slash = path.find('/', start)) != std::string::npos; start = slash + 1) {
    const std::string name = path.substr(start, slash - start);
    if (dir->blobs.contains(name)) {
      return make_error(ErrorCode::kInvalidInput, "'" + name + "' is both a file and a folder");
    }
    dir = &dir->dirs[name];
  }
  const std::string name = path.substr(start);
  if (dir->dirs.contains(name) || !dir->blobs.emplace(name, oid).second) {
    return make_error(ErrorCode::kInvalidInput, "'" + path + "' is listed twice");
  }
  return {};
}

Result<git_oid> write_tree(git_repository* repo, const TreeDir& dir) {
  git_treebuilder* raw = nullptr;
  MIRRORD_TRY(git_check(git_treebuilder_new(&raw, repo, nullptr), "start a tree"));
  TreeBuilderHandle builder(raw);
  for (const auto& [name, oid] : dir.blobs) {
    MIRRORD_TRY(git_check(
        git_treebuilder_insert(nullptr, builder.get(), name.c_str(), &oid, GIT_FILEMODE_BLOB),
        "add '" + name + "' to a tree", ErrorCode::kInvalidInput));
  }
  for (const auto& [name, sub] : dir.dirs) {
    MIRRORD_TRY_ASSIGN(const git_oid sub_oid, write_tree(repo, sub));
    MIRRORD_TRY(git_check(
        git_treebuilder_insert(nullptr, builder.get(), name.c_str(), &sub_oid, GIT_FILEMODE_TREE),
        "add '" + name + "/' to a tree", ErrorCode::kInvalidInput));
  }
  git_oid oid;
  MIRRORD_TRY(git_check(git_treebuilder_write(&oid, builder.get()), "write a tree"));
  return oid;
}

// C-style quoting with glob characters escaped, so a name is matched literally.
std::string quoted_pattern(const std::string& path) {
  std::string pattern = "\"/";
  for (char c : path) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '!' || c == '#') {
      pattern += "\\\\";  // a backslash (escaping the glob char), itself escaped for the quotes
      pattern += c;
    } else if (c == '\\' || c == '"') {
      pattern += "\\\\\\";  // an escaped backslash for the glob, then escape the char
      pattern += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      pattern += ' ';  // cannot happen for catalog paths; never breaks the line
    } else {
      pattern += c;
    }
  }
  return pattern + "\"";
}

}  // namespace

std::string lfs_gitattributes(const std::vector<std::string>& lfs_paths) {
  std::string text;
  for (const std::string& path : lfs_paths) {
    text += quoted_pattern(path) + " filter=lfs diff=lfs merge=lfs -text\n";
  }
  return text;
}

Result<git_oid> build_snapshot_tree(git_repository* repo, const BlobStore& store,
                                    const std::vector<SnapshotFile>& files) {
  TreeDir root;
  std::vector<std::string> lfs_paths;
  bool has_attributes = false;
  for (const SnapshotFile& file : files) {
    MIRRORD_TRY_ASSIGN(const git_oid oid, blob_of(repo, store, file));
    MIRRORD_TRY(place(root, file.path, oid));
    has_attributes = has_attributes || file.path == kAttributesName;
    if (file.lfs) {
      lfs_paths.push_back(file.path);
    }
  }
  if (!has_attributes && !lfs_paths.empty()) {
    MIRRORD_TRY_ASSIGN(const git_oid oid,
                       write_blob(repo, lfs_gitattributes(lfs_paths), ".gitattributes"));
    MIRRORD_TRY(place(root, std::string(kAttributesName), oid));
  }
  return write_tree(repo, root);
}

}  // namespace mirrord::git
