// Building small git repositories with libgit2 for the git unit tests: commits from a path ->
// content map on a branch, annotated tags, and reading things back.
#pragma once

#include <git2.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "daemon/git/git_handles.hpp"

namespace mirrord::git_test {

using Files = std::map<std::string, std::string>;  // path ("a/b.txt") -> content

// A repository (bare or not) opened for the test's lifetime.
class TestRepo {
 public:
  TestRepo(const std::filesystem::path& dir, bool bare) : dir_(dir) {
    git::git_init_once();
    git_repository* raw = nullptr;
    EXPECT_EQ(git_repository_init(&raw, dir.c_str(), bare ? 1 : 0), 0);
    repo_.reset(raw);
  }
  git_repository* get() const { return repo_.get(); }
  const std::filesystem::path& dir() const { return dir_; }

  // Commits `files` (the whole tree) on `ref` with the ref's current commit as parent (or the
  // given parents), at a fixed time plus `tick` so ids are stable. Returns the commit id.
  git_oid commit(const std::string& ref, const Files& files, const std::string& message,
                 std::vector<git_oid> parents = {}, bool use_ref_parent = true) {
    git_oid current;
    if (use_ref_parent && git_reference_name_to_id(&current, get(), ref.c_str()) == 0) {
      parents.insert(parents.begin(), current);
    }
    git_error_clear();
    const git_oid tree = write_tree(files);
    git_tree* raw_tree = nullptr;
    EXPECT_EQ(git_tree_lookup(&raw_tree, get(), &tree), 0);
    git::TreeHandle tree_handle(raw_tree);
    git_signature* raw_sig = nullptr;
    EXPECT_EQ(git_signature_new(&raw_sig, "Test", "test@example.org", 1700000000 + tick_++, 0), 0);
    git::SignatureHandle sig(raw_sig);
    std::vector<git::CommitHandle> parent_handles;
    std::vector<const git_commit*> parent_ptrs;
    for (const git_oid& oid : parents) {
      git_commit* raw = nullptr;
      EXPECT_EQ(git_commit_lookup(&raw, get(), &oid), 0);
      parent_handles.emplace_back(raw);
      parent_ptrs.push_back(raw);
    }
    git_oid oid;
    EXPECT_EQ(
        git_commit_create(&oid, get(), nullptr, sig.get(), sig.get(), nullptr, message.c_str(),
                          tree_handle.get(), parent_ptrs.size(), parent_ptrs.data()),
        0);
    set_ref(ref, oid);
    return oid;
  }

  void set_ref(const std::string& ref, const git_oid& oid) {
    git_reference* raw = nullptr;
    EXPECT_EQ(git_reference_create(&raw, get(), ref.c_str(), &oid, 1, nullptr), 0)
        << (git_error_last() ? git_error_last()->message : "");
    git_reference_free(raw);
  }

  git_oid annotated_tag(const std::string& name, const git_oid& target) {
    git_object* raw = nullptr;
    EXPECT_EQ(git_object_lookup(&raw, get(), &target, GIT_OBJECT_ANY), 0);
    git::ObjectHandle object(raw);
    git_signature* raw_sig = nullptr;
    EXPECT_EQ(git_signature_new(&raw_sig, "Test", "test@example.org", 1700000000, 0), 0);
    git::SignatureHandle sig(raw_sig);
    git_oid oid;
    EXPECT_EQ(git_tag_create(&oid, get(), name.c_str(), object.get(), sig.get(), "release", 1), 0);
    return oid;
  }

  std::string ref_hex(const std::string& ref) const {
    git_oid oid;
    if (git_reference_name_to_id(&oid, get(), ref.c_str()) != 0) {
      git_error_clear();
      return {};
    }
    return git::oid_hex(oid);
  }

 private:
  git_oid write_tree(const Files& files) {
    std::map<std::string, Files> dirs;
    git_treebuilder* raw = nullptr;
    EXPECT_EQ(git_treebuilder_new(&raw, get(), nullptr), 0);
    git::TreeBuilderHandle builder(raw);
    for (const auto& [path, content] : files) {
      const std::size_t slash = path.find('/');
      if (slash != std::string::npos) {
        dirs[path.substr(0, slash)][path.substr(slash + 1)] = content;
        continue;
      }
      git_oid blob;
      EXPECT_EQ(git_blob_create_from_buffer(&blob, get(), content.data(), content.size()), 0);
      EXPECT_EQ(
          git_treebuilder_insert(nullptr, builder.get(), path.c_str(), &blob, GIT_FILEMODE_BLOB),
          0);
    }
    for (const auto& [name, sub] : dirs) {
      const git_oid sub_tree = write_tree(sub);
      EXPECT_EQ(git_treebuilder_insert(nullptr, builder.get(), name.c_str(), &sub_tree,
                                       GIT_FILEMODE_TREE),
                0);
    }
    git_oid oid;
    EXPECT_EQ(git_treebuilder_write(&oid, builder.get()), 0);
    return oid;
  }

  std::filesystem::path dir_;
  git::RepositoryHandle repo_;
  int tick_ = 0;
};

inline std::string hex(const git_oid& oid) {
  return git::oid_hex(oid);
}

}  // namespace mirrord::git_test
