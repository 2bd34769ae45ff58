#include "daemon/hf/hf_serve_entries.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string_view>

#include "daemon/hf/hf_serve_path.hpp"

namespace mirrord::hf {

struct RepoTree::Node {
  std::map<std::string, std::unique_ptr<Node>> dirs;
  std::map<std::string, const SnapshotFile*> files;
  GitOid oid;
};

namespace {

std::vector<std::string_view> split_repo_path(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t slash = std::min(path.find('/', start), path.size());
    parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

std::string oid_bytes(const GitOid& oid) {
  const std::string hex = oid.hex();
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return bytes;
}

GitOid sha1_of(const std::string& data) {
  std::array<std::uint8_t, GitOid::kSize> digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha1(), nullptr) != 1 ||
      length != GitOid::kSize) {
    throw std::runtime_error("EVP_Digest(sha1) failed");  // only on a broken OpenSSL
  }
  return GitOid(digest);
}

struct GitTreeItem {
  std::string sort_key;  // git orders directories as if their name ended in '/'
  std::string line;      // "<mode> <name>\0<20 bytes>"
};

// The git tree id of `node`, from the ids of its children (computed first).
GitOid git_tree_id(const std::map<std::string, GitOid>& dirs,
                   const std::map<std::string, GitOid>& files) {
  std::vector<GitTreeItem> items;
  for (const auto& [name, oid] : dirs) {
    items.push_back({name + "/", "40000 " + name + '\0' + oid_bytes(oid)});
  }
  for (const auto& [name, oid] : files) {
    items.push_back({name, "100644 " + name + '\0' + oid_bytes(oid)});
  }
  std::sort(items.begin(), items.end(),
            [](const GitTreeItem& a, const GitTreeItem& b) { return a.sort_key < b.sort_key; });
  std::string content;
  for (const GitTreeItem& item : items) {
    content += item.line;
  }
  return sha1_of("tree " + std::to_string(content.size()) + '\0' + content);
}

template <class NodeT>
void compute_tree_ids(NodeT& node) {
  std::map<std::string, GitOid> dirs;
  std::map<std::string, GitOid> files;
  for (auto& [name, child] : node.dirs) {
    compute_tree_ids(*child);
    dirs.emplace(name, child->oid);
  }
  for (const auto& [name, file] : node.files) {
    files.emplace(name, file->git_oid);
  }
  node.oid = git_tree_id(dirs, files);
}

std::string child_path(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "/" + name;
}

nlohmann::json lfs_json(const SnapshotFile& file, const char* digest_key) {
  return {{digest_key, file.sha256.hex()},
          {"size", file.size},
          {"pointerSize", lfs_pointer_text(file.sha256, file.size).size()}};
}

}  // namespace

RepoTree::RepoTree(std::vector<SnapshotFile> files)
    : files_(std::move(files)), root_(std::make_unique<Node>()) {
  for (const SnapshotFile& file : files_) {
    if (!is_safe_repo_path(file.path)) {
      continue;  // never listed, never served
    }
    const auto parts = split_repo_path(file.path);
    Node* node = root_.get();
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
      auto& child = node->dirs[std::string(parts[i])];
      if (!child) {
        child = std::make_unique<Node>();
      }
      node = child.get();
    }
    node->files[std::string(parts.back())] = &file;
  }
  compute_tree_ids(*root_);
}

RepoTree::~RepoTree() = default;

const RepoTree::Node* RepoTree::find_directory(const std::string& path) const {
  const Node* node = root_.get();
  if (path.empty()) {
    return node;
  }
  for (std::string_view part : split_repo_path(path)) {
    const auto it = node->dirs.find(std::string(part));
    if (it == node->dirs.end()) {
      return nullptr;
    }
    node = it->second.get();
  }
  return node;
}

std::optional<TreeEntry> RepoTree::entry(const std::string& path) const {
  if (const Node* dir = find_directory(path)) {
    return TreeEntry{path, dir->oid, nullptr};
  }
  const std::size_t slash = path.rfind('/');
  const std::string parent = slash == std::string::npos ? std::string() : path.substr(0, slash);
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  const Node* dir = find_directory(parent);
  if (dir == nullptr) {
    return std::nullopt;
  }
  const auto it = dir->files.find(name);
  if (it == dir->files.end()) {
    return std::nullopt;
  }
  return TreeEntry{path, it->second->git_oid, it->second};
}

void RepoTree::collect(const Node& node, const std::string& prefix, bool recursive,
                       std::vector<TreeEntry>& out) const {
  for (const auto& [name, child] : node.dirs) {
    const std::string path = child_path(prefix, name);
    out.push_back(TreeEntry{path, child->oid, nullptr});
    if (recursive) {
      collect(*child, path, recursive, out);
    }
  }
  for (const auto& [name, file] : node.files) {
    out.push_back(TreeEntry{child_path(prefix, name), file->git_oid, file});
  }
}

std::vector<TreeEntry> RepoTree::list(const std::string& path, bool recursive) const {
  std::vector<TreeEntry> out;
  if (const Node* dir = find_directory(path)) {
    collect(*dir, path, recursive, out);
  }
  std::sort(out.begin(), out.end(),
            [](const TreeEntry& a, const TreeEntry& b) { return a.path < b.path; });
  return out;
}

nlohmann::json tree_entry_json(const TreeEntry& entry) {
  if (entry.is_directory()) {
    return {{"type", "directory"}, {"oid", entry.oid.hex()}, {"size", 0}, {"path", entry.path}};
  }
  nlohmann::json json = {{"type", "file"},
                         {"oid", entry.file->git_oid.hex()},
                         {"size", entry.file->size},
                         {"path", entry.path}};
  if (entry.file->lfs) {
    json["lfs"] = lfs_json(*entry.file, "oid");
  }
  return json;
}

nlohmann::json sibling_json(const SnapshotFile& file, bool with_blobs) {
  nlohmann::json json = {{"rfilename", file.path}};
  if (with_blobs) {
    json["size"] = file.size;
    json["blobId"] = file.git_oid.hex();
    if (file.lfs) {
      json["lfs"] = lfs_json(file, "sha256");
    }
  }
  return json;
}

}  // namespace mirrord::hf
