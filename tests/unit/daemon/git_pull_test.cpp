// One git mirror sync end to end (daemon/git/git_pull.hpp): a real upstream repository (local
// transport), a fake upstream LFS server, a real Catalog and BlobStore.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <mutex>

#include "daemon/git/git_catalog.hpp"
#include "daemon/git/git_pull.hpp"
#include "storage/file_system.hpp"
#include "tests/unit/daemon/git_test_repos.hpp"
#include "tests/unit/storage/temp_dir.hpp"

namespace mirrord {
namespace {

using git_test::hex;
using git_test::TestRepo;
using nlohmann::json;
using ::testing::HasSubstr;

constexpr const char* kLfsServer = "http://lfs.test/repo.git/info/lfs";

// An upstream LFS server: answers batch requests for the objects it holds and serves them.
class FakeLfsServer final : public Fetcher {
 public:
  void add(const std::string& bytes) { objects_[sha256_of(bytes).hex()] = bytes; }
  // Serves other bytes of the same length under the object's oid.
  void corrupt(const std::string& bytes) {
    objects_[sha256_of(bytes).hex()] = bytes.substr(0, bytes.size() - 1) + "!";
  }
  int batch_requests = 0;
  int downloads = 0;
  long batch_status = 200;
  bool cut_first_download = false;  // send half the bytes, then fail as a reset connection would
  bool ignore_range = false;        // answer 200 (whole body) to a Range request
  std::vector<std::uint64_t> range_starts;

  Result<FetchResponse> fetch(const FetchRequest& request, const BodySink& sink,
                              const std::atomic<bool>*) override {
    std::lock_guard lock(mutex_);
    FetchResponse response;
    std::string body;
    if (request.url == std::string(kLfsServer) + "/objects/batch") {
      ++batch_requests;
      response.status = batch_status;
      json answer = {{"objects", json::array()}};
      const json asked = json::parse(request.post_body);
      for (const json& object : asked["objects"]) {
        const std::string oid = object["oid"];
        answer["objects"].push_back(
            {{"oid", oid},
             {"size", object["size"]},
             {"actions", {{"download", {{"href", "http://cdn.test/" + oid}}}}}});
      }
      body = answer.dump();
    } else if (request.url.starts_with("http://cdn.test/")) {
      ++downloads;
      range_starts.push_back(request.range_start);
      const auto it = objects_.find(request.url.substr(16));
      response.status = it == objects_.end() ? 404 : 200;
      body = it == objects_.end() ? "" : it->second;
      if (response.status == 200 && request.range_start > 0) {
        if (ignore_range) {
          return response;  // a 200 to a Range request: no body reaches the sink
        }
        response.status = 206;
        body = body.substr(request.range_start);
      }
      if (response.status == 200 && cut_first_download) {
        cut_first_download = false;
        const std::string half = body.substr(0, body.size() / 2);
        MIRRORD_TRY(sink(std::as_bytes(std::span(half.data(), half.size()))));
        return make_error(ErrorCode::kUpstreamRetryable, "connection reset");
      }
    } else {
      response.status = 404;
    }
    if (response.status / 100 == 2) {
      MIRRORD_TRY(sink(std::as_bytes(std::span(body.data(), body.size()))));
    }
    return response;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::string> objects_;
};

class GitPullTest : public ::testing::Test {
 protected:
  GitPullTest() : upstream_(dir_.path() / "upstream.git", true) {
    catalog_ = std::move(Catalog::open(dir_.path() / "catalog.db")).value();
    store_ =
        std::move(make_local_blob_store(dir_.path() / "store", make_posix_file_system())).value();
    policy_.name = "demo";
    policy_.source = "git";
    policy_.file = "/etc/mirrord/policies.d/demo.toml";
    policy_.git.url = upstream_.dir().string();
    policy_.git.lfs_url = kLfsServer;
    lfs_.add(kWeights);
    main_ = upstream_.commit("refs/heads/main", files("v1"), "one");
    feature_ = upstream_.commit("refs/heads/feature", files("f"), "feature", {main_}, false);
  }

  git_test::Files files(const std::string& version) {
    return {{".gitattributes", "*.bin filter=lfs diff=lfs merge=lfs -text\n"},
            {"README.md", "version " + version + "\n"},
            {"model.bin", lfs_pointer_text(sha256_of(kWeights), kWeights.size())}};
  }

  Status pull() {
    JobContext job;
    const GitPullDeps deps{*catalog_, *store_, lfs_, dir_.path() / "root"};
    return run_git_pull(policy_, deps, job);
  }

  std::filesystem::path mirror_dir() const {
    return git_mirror_directory(dir_.path() / "root", "demo");
  }

  std::string catalog_ref(const std::string& name) {
    auto commit = catalog_->resolve_ref(RepoKey{"git", "demo"}, name);
    EXPECT_TRUE(commit.ok());
    return commit.ok() && *commit ? **commit : "";
  }

  const std::string kWeights = std::string(5000, 'w') + "weights";
  testing::TempDir dir_;
  TestRepo upstream_;
  std::shared_ptr<Catalog> catalog_;
  std::shared_ptr<BlobStore> store_;
  FakeLfsServer lfs_;
  Policy policy_;
  git_oid main_, feature_;
};

TEST_F(GitPullTest, PublishesRefsLfsObjectsAndServerInfo) {
  const Status pulled = pull();
  ASSERT_TRUE(pulled.ok()) << pulled.error().message;
  EXPECT_EQ(lfs_.batch_requests, 1);
  EXPECT_EQ(lfs_.downloads, 1);
  EXPECT_TRUE(store_->contains(sha256_of(kWeights)));

  const std::string info_refs = testing::read_file(mirror_dir() / "info" / "refs");
  EXPECT_EQ(info_refs,
            hex(feature_) + "\trefs/heads/feature\n" + hex(main_) + "\trefs/heads/main\n");
  EXPECT_EQ(testing::read_file(mirror_dir() / "HEAD"), "ref: refs/heads/main\n");

  EXPECT_EQ(catalog_ref("refs/heads/main"), hex(main_));
  EXPECT_EQ(catalog_ref("refs/heads/feature"), hex(feature_));
  const RepoKey repo{"git", "demo"};
  auto record = catalog_->find_snapshot(repo, catalog_ref("current"));
  ASSERT_TRUE(record.ok() && record->has_value());
  const json info = json::parse((*record)->info_json);
  EXPECT_EQ(info["url"], policy_.git.url);
  EXPECT_EQ(info["head"], "refs/heads/main");
  EXPECT_EQ(info["refs"]["refs/heads/main"], hex(main_));
  EXPECT_TRUE(info["refused"].empty());
  auto scope = git::lfs_scope_of(*catalog_, repo);
  ASSERT_TRUE(scope.ok());
  ASSERT_EQ(scope->size(), 1u);
  EXPECT_EQ(scope->begin()->first, sha256_of(kWeights));
  EXPECT_EQ(scope->begin()->second, kWeights.size());
}

TEST_F(GitPullTest, LaterSyncsFetchOnlyWhatIsNewAndKeepOldLfsObjects) {
  ASSERT_TRUE(pull().ok());
  const std::string other = "other weights";
  lfs_.add(other);
  auto changed = files("v2");
  changed["model.bin"] = lfs_pointer_text(sha256_of(other), other.size());
  const git_oid main2 = upstream_.commit("refs/heads/main", changed, "two");
  const Status pulled = pull();
  ASSERT_TRUE(pulled.ok()) << pulled.error().message;
  EXPECT_EQ(lfs_.downloads, 2);  // the first object was not fetched again
  EXPECT_EQ(catalog_ref("refs/heads/main"), hex(main2));
  auto scope = git::lfs_scope_of(*catalog_, RepoKey{"git", "demo"});
  ASSERT_TRUE(scope.ok());
  EXPECT_EQ(scope->size(), 2u);  // the object of the old tip stays published
}

TEST_F(GitPullTest, RefusedRewriteFailsThePullButKeepsServingTheOldRef) {
  ASSERT_TRUE(pull().ok());
  const git_oid main2 = upstream_.commit("refs/heads/main", files("v2"), "two");
  upstream_.commit("refs/heads/feature", files("rewritten"), "force", {}, false);
  const Status pulled = pull();
  ASSERT_FALSE(pulled.ok());
  EXPECT_EQ(pulled.error().code, ErrorCode::kPolicy);
  EXPECT_THAT(pulled.error().message, HasSubstr("refs/heads/feature"));
  EXPECT_THAT(pulled.error().message, HasSubstr("allow_rewrite = true"));
  EXPECT_THAT(pulled.error().message, HasSubstr("demo.toml"));
  const std::string info_refs = testing::read_file(mirror_dir() / "info" / "refs");
  EXPECT_THAT(info_refs, HasSubstr(hex(main2) + "\trefs/heads/main"));
  EXPECT_THAT(info_refs, HasSubstr(hex(feature_) + "\trefs/heads/feature"));
  EXPECT_EQ(catalog_ref("refs/heads/feature"), hex(feature_));
  auto record = catalog_->find_snapshot(RepoKey{"git", "demo"}, catalog_ref("current"));
  ASSERT_TRUE(record.ok() && record->has_value());
  EXPECT_EQ(json::parse((*record)->info_json)["refused"], json({"refs/heads/feature"}));
}

TEST_F(GitPullTest, CorruptLfsObjectPublishesNothing) {
  lfs_.corrupt(kWeights);
  const Status pulled = pull();
  ASSERT_FALSE(pulled.ok());
  EXPECT_EQ(pulled.error().code, ErrorCode::kDigestMismatch);
  EXPECT_FALSE(std::filesystem::exists(mirror_dir() / "info" / "refs"));
  auto exists = catalog_->repo_exists(RepoKey{"git", "demo"});
  ASSERT_TRUE(exists.ok());
  EXPECT_FALSE(*exists);
  EXPECT_FALSE(store_->contains(sha256_of(kWeights)));
}

TEST_F(GitPullTest, InterruptedLfsDownloadsResume) {
  lfs_.cut_first_download = true;
  const Status pulled = pull();
  ASSERT_TRUE(pulled.ok()) << pulled.error().message;
  ASSERT_EQ(lfs_.range_starts.size(), 2u);
  EXPECT_EQ(lfs_.range_starts[1], kWeights.size() / 2);
  EXPECT_TRUE(store_->contains(sha256_of(kWeights)));
}

TEST_F(GitPullTest, AServerIgnoringRangeIsDownloadedAgainFromZero) {
  lfs_.cut_first_download = true;
  lfs_.ignore_range = true;
  const Status pulled = pull();
  ASSERT_TRUE(pulled.ok()) << pulled.error().message;
  EXPECT_EQ(lfs_.range_starts, (std::vector<std::uint64_t>{0, kWeights.size() / 2, 0}));
  EXPECT_TRUE(store_->contains(sha256_of(kWeights)));
}

TEST_F(GitPullTest, UpstreamLfsRefusalSaysWhatToDo) {
  lfs_.batch_status = 403;
  const Status pulled = pull();
  ASSERT_FALSE(pulled.ok());
  EXPECT_THAT(pulled.error().message, HasSubstr("lfs = false"));
  EXPECT_FALSE(std::filesystem::exists(mirror_dir() / "info" / "refs"));
}

TEST_F(GitPullTest, WithoutLfsOnlyPointersAreMirrored) {
  policy_.git.lfs = false;
  const Status pulled = pull();
  ASSERT_TRUE(pulled.ok()) << pulled.error().message;
  EXPECT_EQ(lfs_.batch_requests, 0);
  EXPECT_FALSE(store_->contains(sha256_of(kWeights)));
}

TEST_F(GitPullTest, ADirectoryKeepsItsUpstream) {
  ASSERT_TRUE(pull().ok());
  TestRepo other(dir_.path() / "other.git", true);
  other.commit("refs/heads/main", {{"x", "y"}}, "other");
  policy_.git.url = other.dir().string();
  const Status pulled = pull();
  ASSERT_FALSE(pulled.ok());
  EXPECT_EQ(pulled.error().code, ErrorCode::kConflict);
}

TEST_F(GitPullTest, RefusesNamesThatCannotBeMirrorNames) {
  policy_.name = "linux.git";
  const Status pulled = pull();
  ASSERT_FALSE(pulled.ok());
  EXPECT_EQ(pulled.error().code, ErrorCode::kInvalidInput);
}

}  // namespace
}  // namespace mirrord
