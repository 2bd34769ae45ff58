// Reading git request paths (daemon/git/git_route_path.hpp): the closed list of file shapes,
// the repository forms, and paths that must never resolve to a file.
#include <gtest/gtest.h>

#include "daemon/git/git_route_path.hpp"

namespace mirrord::git {
namespace {

const std::string kPack = "pack-0123456789abcdef0123456789abcdef01234567.pack";
const std::string kOid = std::string(64, 'a');

ParsedGitPath parsed(const std::string& path) {
  return parse_git_path(path);
}

TEST(GitRoutePathTest, MirrorFilesWithAndWithoutDotGit) {
  for (const std::string repo : {"/git/linux", "/git/linux.git"}) {
    SCOPED_TRACE(repo);
    const auto refs = parsed(repo + "/info/refs");
    ASSERT_EQ(refs.kind, GitPathKind::kGit);
    EXPECT_EQ(refs.path.repo, (RepoKey{"git", "linux"}));
    EXPECT_EQ(refs.path.file, GitFile::kInfoRefs);
    EXPECT_EQ(parsed(repo + "/HEAD").path.file, GitFile::kHead);
    EXPECT_EQ(parsed(repo + "/objects/info/packs").path.file, GitFile::kInfoPacks);
    EXPECT_EQ(parsed(repo + "/objects/info/alternates").path.file, GitFile::kAlternates);
    EXPECT_EQ(parsed(repo + "/objects/info/http-alternates").path.file, GitFile::kAlternates);
    const auto pack = parsed(repo + "/objects/pack/" + kPack);
    EXPECT_EQ(pack.path.file, GitFile::kPack);
    EXPECT_EQ(pack.path.part, kPack);
    const auto loose = parsed(repo + "/objects/ab/" + std::string(38, 'c'));
    EXPECT_EQ(loose.path.file, GitFile::kLooseObject);
    EXPECT_EQ(loose.path.part, "ab/" + std::string(38, 'c'));
    EXPECT_EQ(parsed(repo + "/git-upload-pack").path.file, GitFile::kUploadPack);
    EXPECT_EQ(parsed(repo + "/git-receive-pack").path.file, GitFile::kReceivePack);
    EXPECT_EQ(parsed(repo + "/info/lfs/objects/batch").path.file, GitFile::kLfsBatch);
    const auto object = parsed(repo + "/info/lfs/objects/" + kOid);
    EXPECT_EQ(object.path.file, GitFile::kLfsObject);
    EXPECT_EQ(object.path.part, kOid);
    EXPECT_EQ(parsed(repo + "/info/lfs/locks/verify").path.file, GitFile::kLfsLocks);
  }
}

TEST(GitRoutePathTest, MultiSegmentMirrorNames) {
  const auto refs = parsed("/git/github.com/pytorch/pytorch.git/info/refs");
  ASSERT_EQ(refs.kind, GitPathKind::kGit);
  EXPECT_EQ(refs.path.repo.name, "github.com/pytorch/pytorch");
}

TEST(GitRoutePathTest, HuggingFaceModelsAndDatasets) {
  const auto model = parsed("/Qwen/Qwen2.5-0.5B-Instruct/info/refs");
  ASSERT_EQ(model.kind, GitPathKind::kGit);
  EXPECT_EQ(model.path.repo, (RepoKey{"model", "Qwen/Qwen2.5-0.5B-Instruct"}));
  const auto batch = parsed("/Qwen/Qwen2.5-0.5B-Instruct.git/info/lfs/objects/batch");
  EXPECT_EQ(batch.path.repo, (RepoKey{"model", "Qwen/Qwen2.5-0.5B-Instruct"}));
  EXPECT_EQ(batch.path.file, GitFile::kLfsBatch);
  const auto dataset = parsed("/datasets/org/data.git/HEAD");
  EXPECT_EQ(dataset.path.repo, (RepoKey{"dataset", "org/data"}));
}

TEST(GitRoutePathTest, LeavesOtherPathsToOtherRoutes) {
  for (const char* path : {"/Qwen/X/resolve/main/info/refs", "/Qwen/X/resolve/main/HEAD",
                           "/api/models/Qwen/X/info/refs", "/a/b/c/info/refs", "/x/info/refs",
                           "/Qwen/X/tree/main", "/Qwen/X/objects/pack/pack-1.pack", "/healthz",
                           "/pypi/simple/", "/Qwen/../info/refs", "/info/refs"}) {
    SCOPED_TRACE(path);
    EXPECT_EQ(parsed(path).kind, GitPathKind::kNotGit);
  }
}

TEST(GitRoutePathTest, RefusesHostileMirrorPaths) {
  for (const std::string& path :
       {std::string("/git/"),
        std::string("/git/info/refs"),
        std::string("/git/.git/info/refs"),
        std::string("/git/../etc/info/refs"),
        std::string("/git/a/../b/info/refs"),
        std::string("/git/a%2Fb/info/refs"),
        std::string("/git/a%00/info/refs"),
        std::string("/git/a%zz/info/refs"),
        std::string("/git/linux/objects/pack/pack-X.pack"),
        "/git/linux/objects/pack/" + std::string("pack-") + std::string(40, 'A') + ".pack",
        "/git/linux/objects/pack/" + kPack + ".keep",
        std::string("/git/linux/objects/ab/cd"),
        std::string("/git/linux/config"),
        std::string("/git/linux/refs/heads/main"),
        std::string("/git/linux/description"),
        std::string("/git/linux/info/exclude"),
        "/git/linux/info/lfs/objects/" + std::string(64, 'A'),
        "/git/linux/info/lfs/objects/" + std::string(63, 'a'),
        std::string("/git/linux/info/lfs"),
        std::string("/git/linux/objects/info/packs/extra"),
        std::string("/git/-x/info/refs"),
        std::string("/git/linux/mirrord-retired-packs")}) {
    SCOPED_TRACE(path);
    EXPECT_EQ(parsed(path).kind, GitPathKind::kMalformed);
  }
}

}  // namespace
}  // namespace mirrord::git
