// Serving Hugging Face snapshots as git repositories (daemon/git/git_hf_repo.hpp and
// git_snapshot_tree.hpp): trees, pointers, .gitattributes, history and index files.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/git/git_hf_repo.hpp"
#include "daemon/git/git_snapshot_tree.hpp"
#include "tests/unit/daemon/git_test_repos.hpp"
#include "tests/unit/daemon/git_test_storage.hpp"
#include "tests/unit/storage/temp_dir.hpp"

namespace mirrord::git {
namespace {

using git_test::SnapshotSpec;
using ::testing::HasSubstr;

const RepoKey kRepo{"model", "Qwen/Tiny"};
const std::string kCommit1(40, '1');
const std::string kCommit2(40, '2');

class GitHfRepoTest : public ::testing::Test {
 protected:
  GitHfRepoTest() : storage_(dir_.path()), repos_(storage_.catalog, storage_.store, root()) {}

  std::filesystem::path root() const { return dir_.path() / "git-hf"; }

  RepositoryHandle open() {
    auto repo = open_bare(repos_.directory(kRepo).string());
    EXPECT_TRUE(repo.ok());
    return std::move(repo).value();
  }

  // The blob at `path` in the tree of `ref`.
  std::string read(git_repository* repo, const std::string& ref, const std::string& path) {
    git_object* raw = nullptr;
    const std::string spec = ref + ":" + path;
    if (git_revparse_single(&raw, repo, spec.c_str()) != 0) {
      git_error_clear();
      return "<missing>";
    }
    ObjectHandle object(raw);
    auto* blob = reinterpret_cast<git_blob*>(object.get());
    return std::string(static_cast<const char*>(git_blob_rawcontent(blob)), git_blob_rawsize(blob));
  }

  testing::TempDir dir_;
  git_test::TestStorage storage_;
  HfGitRepos repos_;
};

TEST_F(GitHfRepoTest, SynthesizesTheSnapshotTree) {
  const std::string weights(3000, 'w');
  storage_.publish(kRepo, kCommit1,
                   {{"config.json", "{\"a\": 1}\n"},
                    {"sub dir/tokenizer.json", "{}\n"},
                    {"model.safetensors", weights, true},
                    {"onnx/model [1].onnx", "onnx", true}},
                   {"main"});
  ASSERT_TRUE(repos_.refresh(kRepo).ok());
  RepositoryHandle repo = open();
  EXPECT_EQ(read(repo.get(), "refs/heads/main", "config.json"), "{\"a\": 1}\n");
  EXPECT_EQ(read(repo.get(), "refs/heads/main", "sub dir/tokenizer.json"), "{}\n");
  EXPECT_EQ(read(repo.get(), "refs/heads/main", "model.safetensors"),
            lfs_pointer_text(sha256_of(weights), weights.size()));
  EXPECT_EQ(read(repo.get(), "refs/heads/main", ".gitattributes"),
            "\"/model.safetensors\" filter=lfs diff=lfs merge=lfs -text\n"
            "\"/onnx/model \\\\[1\\\\].onnx\" filter=lfs diff=lfs merge=lfs -text\n");

  const std::filesystem::path dir = repos_.directory(kRepo);
  EXPECT_EQ(testing::read_file(dir / "HEAD"), "ref: refs/heads/main\n");
  const std::string info_refs = testing::read_file(dir / "info" / "refs");
  EXPECT_THAT(info_refs, HasSubstr("\trefs/heads/main\n"));
  // Objects are packed, never loose: one request per clone instead of one per object.
  const std::string packs = testing::read_file(dir / "objects" / "info" / "packs");
  EXPECT_THAT(packs, HasSubstr("P pack-"));
  for (const auto& entry : std::filesystem::directory_iterator(dir / "objects")) {
    const std::string name = entry.path().filename().string();
    EXPECT_TRUE(name == "pack" || name == "info") << name;
  }
}

TEST_F(GitHfRepoTest, KeepsAnUpstreamGitattributes) {
  storage_.publish(kRepo, kCommit1,
                   {{".gitattributes", "*.safetensors filter=lfs\n"}, {"m.safetensors", "x", true}},
                   {"main"});
  ASSERT_TRUE(repos_.refresh(kRepo).ok());
  RepositoryHandle repo = open();
  EXPECT_EQ(read(repo.get(), "refs/heads/main", ".gitattributes"), "*.safetensors filter=lfs\n");
}

TEST_F(GitHfRepoTest, NewSnapshotsBecomeChildCommitsAndUnchangedRefsStay) {
  storage_.publish(kRepo, kCommit1, {{"a.txt", "one\n"}}, {"main"});
  ASSERT_TRUE(repos_.refresh(kRepo).ok());
  const std::string first = git_test::hex([&] {
    RepositoryHandle repo = open();
    git_oid oid;
    git_reference_name_to_id(&oid, repo.get(), "refs/heads/main");
    return oid;
  }());
  ASSERT_TRUE(repos_.refresh(kRepo).ok());
  const std::filesystem::path refs_file = repos_.directory(kRepo) / "info" / "refs";
  EXPECT_EQ(testing::read_file(refs_file), first + "\trefs/heads/main\n");

  storage_.publish(kRepo, kCommit2, {{"a.txt", "two\n"}}, {"main"});
  ASSERT_TRUE(repos_.refresh(kRepo).ok());
  RepositoryHandle repo = open();
  EXPECT_EQ(read(repo.get(), "refs/heads/main", "a.txt"), "two\n");
  git_object* raw = nullptr;
  ASSERT_EQ(git_revparse_single(&raw, repo.get(), "refs/heads/main^"), 0);
  ObjectHandle parent(raw);
  EXPECT_EQ(oid_hex(*git_object_id(parent.get())), first);
  git_commit* commit = nullptr;
  git_oid head;
  ASSERT_EQ(git_reference_name_to_id(&head, repo.get(), "refs/heads/main"), 0);
  ASSERT_EQ(git_commit_lookup(&commit, repo.get(), &head), 0);
  CommitHandle head_commit(commit);
  EXPECT_THAT(git_commit_message(commit), HasSubstr(std::string(kHfCommitTrailer) + kCommit2));
}

TEST_F(GitHfRepoTest, RefusesBytesThatDoNotMatchTheCatalog) {
  // A regular file whose recorded git oid disagrees with its stored bytes.
  const SnapshotFile good = storage_.ingest({"a.txt", "real bytes\n"});
  SnapshotFile lying = good;
  lying.git_oid = git_blob_oid_of("other bytes\n");
  git_test::TestRepo scratch(dir_.path() / "scratch.git", true);
  auto tree = build_snapshot_tree(scratch.get(), *storage_.store, {lying});
  ASSERT_FALSE(tree.ok());
  EXPECT_EQ(tree.error().code, ErrorCode::kDigestMismatch);
  EXPECT_TRUE(build_snapshot_tree(scratch.get(), *storage_.store, {good}).ok());
}

TEST_F(GitHfRepoTest, RefusesConflictingPaths) {
  const SnapshotFile file = storage_.ingest({"a", "x"});
  SnapshotFile nested = file;
  nested.path = "a/b";
  git_test::TestRepo scratch(dir_.path() / "scratch.git", true);
  EXPECT_FALSE(build_snapshot_tree(scratch.get(), *storage_.store, {file, nested}).ok());
  SnapshotFile dot_git = file;
  dot_git.path = ".git/config";
  EXPECT_FALSE(build_snapshot_tree(scratch.get(), *storage_.store, {dot_git}).ok());
}

TEST_F(GitHfRepoTest, UnknownRepoIsNotFound) {
  const Status refreshed = repos_.refresh(RepoKey{"model", "nobody/nothing"});
  ASSERT_FALSE(refreshed.ok());
  EXPECT_EQ(refreshed.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(root() / "model" / "nobody"));
}

TEST(GitAttributesTest, QuotesAndEscapesEveryPath) {
  EXPECT_EQ(lfs_gitattributes({"a.bin", "x*\"y.bin"}),
            "\"/a.bin\" filter=lfs diff=lfs merge=lfs -text\n"
            "\"/x\\\\*\\\\\\\"y.bin\" filter=lfs diff=lfs merge=lfs -text\n");
}

}  // namespace
}  // namespace mirrord::git
