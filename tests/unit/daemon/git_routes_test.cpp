// The git routes (daemon/git/git_routes.hpp): dumb-HTTP files of a published mirror and of a
// Hugging Face repo, the LFS Batch API and object downloads, and what is refused.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>
#include <nlohmann/json.hpp>

#include "daemon/git/git_catalog.hpp"
#include "daemon/git/git_pull.hpp"
#include "daemon/git/git_routes.hpp"
#include "daemon/git/git_server_info.hpp"
#include "tests/unit/daemon/git_test_repos.hpp"
#include "tests/unit/daemon/git_test_storage.hpp"
#include "tests/unit/storage/temp_dir.hpp"

namespace mirrord {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

constexpr const char* kPublic = "http://127.0.0.1:8080";
const RepoKey kModel{"model", "Qwen/Tiny"};

class GitRoutesTest : public ::testing::Test {
 protected:
  GitRoutesTest() : storage_(dir_.path()) {
    // A published git mirror "demo", made the way a pull makes it.
    git_test::TestRepo repo(git_mirror_directory(root(), "demo"), true);
    main_ = git_test::hex(repo.commit("refs/heads/main", {{"README", "hi\n"}}, "one"));
    git_repository_set_head(repo.get(), "refs/heads/main");
    git_odb* odb = nullptr;
    git_repository_odb(&odb, repo.get());
    // Everything packed, as a libgit2 fetch leaves it.
    git_packbuilder* builder = nullptr;
    git_packbuilder_new(&builder, repo.get());
    git_revwalk* walk = nullptr;
    git_revwalk_new(&walk, repo.get());
    git_revwalk_push_ref(walk, "refs/heads/main");
    git_packbuilder_insert_walk(builder, walk);
    const std::string pack_dir = (repo.dir() / "objects" / "pack").string();
    EXPECT_EQ(git_packbuilder_write(builder, pack_dir.c_str(), 0, nullptr, nullptr), 0);
    pack_ = "pack-" + std::string(git_packbuilder_name(builder)) + ".pack";
    git_revwalk_free(walk);
    git_packbuilder_free(builder);
    git_odb_free(odb);
    EXPECT_TRUE(git::write_server_info(repo.get(), repo.dir()).ok());
    lfs_bytes_ = "large file bytes";
    const SnapshotFile lfs = storage_.ingest({"x", lfs_bytes_, true});
    git::GitSyncRecord record{"demo", "https://up.example/demo", "refs/heads/main", 1, {}, {}, {},
                              {}};
    record.refs = {{"refs/heads/main", main_, std::nullopt, main_}};
    record.lfs_objects = {{lfs.sha256, lfs.size}};
    EXPECT_TRUE(git::publish_git_mirror(*storage_.catalog, record).ok());
    // An HF model with an LFS file, and a blob that belongs to no repo.
    storage_.publish(kModel, std::string(40, '1'),
                     {{"config.json", "{}\n"}, {"model.safetensors", model_bytes_, true}},
                     {"main"});
    storage_.ingest({"stray", stray_bytes_, true});
    route_ = make_git_routes(storage_.catalog, storage_.store, GitRoutesOptions{kPublic, root()});
  }

  std::filesystem::path root() const { return dir_.path() / "root"; }

  std::optional<http::Response> try_call(const std::string& method, const std::string& target,
                                         const std::string& body = "") {
    http::Request request;
    request.method = method;
    request.target = target;
    const std::size_t q = target.find('?');
    request.path = target.substr(0, q);
    request.query = q == std::string::npos ? "" : target.substr(q + 1);
    request.body = body;
    return route_(request);
  }

  http::Response call(const std::string& method, const std::string& target,
                      const std::string& body = "") {
    auto response = try_call(method, target, body);
    EXPECT_TRUE(response.has_value()) << target;
    return response ? *response : http::Response{};
  }

  static std::string bytes_of(const http::Response& response) {
    if (!response.file) {
      return response.body;
    }
    std::string bytes(response.file->length, '\0');
    EXPECT_EQ(::pread(response.file->fd->get(), bytes.data(), bytes.size(),
                      static_cast<off_t>(response.file->offset)),
              static_cast<ssize_t>(bytes.size()));
    return bytes;
  }

  static std::string batch(const std::string& oid, std::uint64_t size) {
    return json{{"operation", "download"}, {"objects", {{{"oid", oid}, {"size", size}}}}}.dump();
  }

  testing::TempDir dir_;
  git_test::TestStorage storage_;
  std::string main_;
  std::string pack_;
  std::string lfs_bytes_;
  std::string model_bytes_ = std::string(2000, 'm');
  std::string stray_bytes_ = "not in any repo";
  http::Route route_;
};

TEST_F(GitRoutesTest, ServesTheDumbProtocolFilesOfAMirror) {
  for (const std::string base : {"/git/demo", "/git/demo.git"}) {
    SCOPED_TRACE(base);
    const http::Response refs = call("GET", base + "/info/refs?service=git-upload-pack");
    EXPECT_EQ(refs.status, 200);
    EXPECT_EQ(refs.body, main_ + "\trefs/heads/main\n");
    EXPECT_EQ(refs.headers.get("Content-Type"), "text/plain; charset=utf-8");
    EXPECT_EQ(refs.headers.get("Cache-Control"), "no-cache");
    EXPECT_EQ(call("GET", base + "/HEAD").body, "ref: refs/heads/main\n");
    EXPECT_EQ(call("GET", base + "/objects/info/packs").body, "P " + pack_ + "\n\n");
    const http::Response pack = call("GET", base + "/objects/pack/" + pack_);
    EXPECT_EQ(pack.status, 200);
    EXPECT_EQ(pack.headers.get("Content-Type"), "application/x-git-packed-objects");
    EXPECT_EQ(bytes_of(pack).substr(0, 4), "PACK");
    EXPECT_EQ(call("HEAD", base + "/objects/pack/" + pack_).status, 200);
    const std::string idx = pack_.substr(0, pack_.size() - 5) + ".idx";
    EXPECT_EQ(call("GET", base + "/objects/pack/" + idx).status, 200);
    EXPECT_EQ(call("GET", base + "/objects/info/alternates").status, 404);
    EXPECT_EQ(call("GET", base + "/objects/ab/" + std::string(38, 'c')).status, 404);
  }
}

TEST_F(GitRoutesTest, PackRangesAreServed) {
  http::Request request;
  request.method = "GET";
  request.path = "/git/demo/objects/pack/" + pack_;
  request.headers.add("Range", "bytes=0-3");
  const auto response = route_(request);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 206);
  EXPECT_EQ(bytes_of(*response), "PACK");
}

TEST_F(GitRoutesTest, RefusesPushesAndUnknownThings) {
  EXPECT_EQ(call("GET", "/git/demo/info/refs?service=git-receive-pack").status, 403);
  EXPECT_EQ(call("POST", "/git/demo/git-receive-pack").status, 403);
  EXPECT_EQ(call("POST", "/git/demo/git-upload-pack").status, 403);
  EXPECT_EQ(call("PROPFIND", "/git/demo/info/refs").status, 405);
  EXPECT_EQ(call("PUT", "/git/demo/objects/info/packs").status, 405);
  EXPECT_EQ(call("GET", "/git/nothing/info/refs").status, 404);
  EXPECT_EQ(call("GET", "/git/demo/config").status, 404);
  EXPECT_EQ(call("GET", "/git/demo/objects/pack/pack-" + std::string(40, '0') + ".pack").status,
            404);
  EXPECT_EQ(call("GET", "/git/../demo/info/refs").status, 404);
  EXPECT_EQ(call("POST", "/git/demo.git/info/lfs/locks/verify", "{}").status, 403);
}

TEST_F(GitRoutesTest, SymlinksInTheRepositoryAreNotFollowed) {
  const std::filesystem::path head = git_mirror_directory(root(), "demo") / "HEAD";
  std::filesystem::remove(head);
  std::filesystem::create_symlink("/etc/passwd", head);
  EXPECT_EQ(call("GET", "/git/demo/HEAD").status, 404);
}

TEST_F(GitRoutesTest, LfsBatchOffersOnlyTheRepositorysObjects) {
  const std::string oid = sha256_of(lfs_bytes_).hex();
  const http::Response response =
      call("POST", "/git/demo.git/info/lfs/objects/batch", batch(oid, lfs_bytes_.size()));
  ASSERT_EQ(response.status, 200);
  const json answer = json::parse(response.body);
  const std::string href = answer["objects"][0]["actions"]["download"]["href"];
  EXPECT_EQ(href, std::string(kPublic) + "/git/demo.git/info/lfs/objects/" + oid);
  EXPECT_EQ(bytes_of(call("GET", href.substr(std::string(kPublic).size()))), lfs_bytes_);

  // A blob the store holds for another repo (or none) is no business of this one.
  const std::string model_oid = sha256_of(model_bytes_).hex();
  const std::string stray_oid = sha256_of(stray_bytes_).hex();
  for (const std::string& other : {model_oid, stray_oid}) {
    const json refused =
        json::parse(call("POST", "/git/demo/info/lfs/objects/batch", batch(other, 1)).body);
    EXPECT_EQ(refused["objects"][0]["error"]["code"], 404);
    EXPECT_EQ(call("GET", "/git/demo.git/info/lfs/objects/" + other).status, 404);
  }
  EXPECT_EQ(call("POST", "/git/nothing.git/info/lfs/objects/batch", batch(oid, 1)).status, 404);
}

TEST_F(GitRoutesTest, HuggingFaceReposAreServedFromSynthesizedCommits) {
  for (const std::string base : {"/Qwen/Tiny", "/Qwen/Tiny.git"}) {
    SCOPED_TRACE(base);
    const http::Response refs = call("GET", base + "/info/refs?service=git-upload-pack");
    ASSERT_EQ(refs.status, 200) << refs.body;
    EXPECT_THAT(refs.body, HasSubstr("\trefs/heads/main\n"));
    EXPECT_EQ(call("GET", base + "/HEAD").body, "ref: refs/heads/main\n");
    EXPECT_THAT(call("GET", base + "/objects/info/packs").body, HasSubstr("P pack-"));
  }
  const std::string oid = sha256_of(model_bytes_).hex();
  const json answer = json::parse(
      call("POST", "/Qwen/Tiny.git/info/lfs/objects/batch", batch(oid, model_bytes_.size())).body);
  EXPECT_EQ(answer["objects"][0]["actions"]["download"]["href"],
            std::string(kPublic) + "/Qwen/Tiny.git/info/lfs/objects/" + oid);
  EXPECT_EQ(bytes_of(call("GET", "/Qwen/Tiny.git/info/lfs/objects/" + oid)), model_bytes_);
  const std::string demo_oid = sha256_of(lfs_bytes_).hex();
  EXPECT_EQ(call("GET", "/Qwen/Tiny.git/info/lfs/objects/" + demo_oid).status, 404);
}

TEST_F(GitRoutesTest, LeavesUnknownHuggingFaceReposAndOtherPathsAlone) {
  EXPECT_FALSE(try_call("GET", "/Qwen/Unknown/info/refs").has_value());
  EXPECT_FALSE(try_call("GET", "/Qwen/Tiny/resolve/main/config.json").has_value());
  EXPECT_FALSE(try_call("GET", "/api/models/Qwen/Tiny").has_value());
  EXPECT_FALSE(try_call("OPTIONS", "/git/demo/info/refs").has_value());
}

}  // namespace
}  // namespace mirrord
