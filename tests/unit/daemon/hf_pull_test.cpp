// run_hf_pull with a real store and catalog, and an in-memory upstream behind the Fetcher seam.
#include "daemon/hf/hf_pull.hpp"

#include "policies/inspect/base64.hpp"
#include "policies/inspect/signing_key.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace mirrord {
namespace {

constexpr const char* kCommit = "7ae557604adf67be50417f59c2c2f167def9a775";

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// An upstream hub in memory: repo files by path, answering the API and resolve URLs.
class MemoryHub : public Fetcher {
 public:
  std::map<std::string, std::string> files;  // path -> bytes
  std::set<std::string> lfs;                 // paths served as LFS
  std::string repo = "Qwen/Qwen2.5-0.5B-Instruct";
  std::map<std::string, std::string> served_override;  // path -> bytes served instead
  std::map<std::string, int> resolve_count;
  std::mutex mutex;

  Result<FetchResponse> fetch(const FetchRequest& request, const BodySink& sink,
                              const std::atomic<bool>*) override {
    const std::string path = request.url.substr(request.url.find('/', 8));
    const std::string api = "/api/models/" + repo;
    std::string body;
    if (path.rfind(api + "/revision/", 0) == 0) {
      body = nlohmann::json{{"id", repo}, {"sha", kCommit}, {"tags", {"qwen2"}}}.dump();
    } else if (path.rfind(api + "/tree/", 0) == 0) {
      body = tree().dump();
    } else if (path.rfind("/" + repo + "/resolve/" + kCommit + "/", 0) == 0) {
      const std::string file = path.substr(repo.size() + 51);
      std::lock_guard lock(mutex);
      ++resolve_count[file];
      auto it = served_override.find(file);
      body = it != served_override.end() ? it->second : files.at(file);
      body = body.substr(std::min<std::size_t>(request.range_start, body.size()));
    } else {
      FetchResponse missing;
      missing.status = 404;
      missing.headers.emplace_back("X-Error-Code", "RepoNotFound");
      return missing;
    }
    FetchResponse response;
    response.status = request.range_start > 0 ? 206 : 200;
    if (request.range_start > 0) {
      response.headers.emplace_back("Content-Range",
                                    "bytes " + std::to_string(request.range_start) + "-");
    }
    response.body_bytes = body.size();
    MIRRORD_TRY(sink(std::as_bytes(std::span(body.data(), body.size()))));
    return response;
  }

 private:
  nlohmann::json tree() const {
    nlohmann::json entries = nlohmann::json::array();
    for (const auto& [path, bytes] : files) {
      nlohmann::json entry{{"type", "file"}, {"path", path}, {"size", bytes.size()}};
      if (lfs.contains(path)) {
        const Sha256 digest = sha256_of(bytes);
        entry["oid"] = lfs_pointer_oid(digest, bytes.size()).hex();
        entry["lfs"] = {{"oid", digest.hex()},
                        {"size", bytes.size()},
                        {"pointerSize", lfs_pointer_text(digest, bytes.size()).size()}};
      } else {
        entry["oid"] = git_blob_oid_of(bytes).hex();
      }
      entries.push_back(entry);
    }
    return entries;
  }
};

class HfPullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mirrord-pull-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    auto store = make_local_blob_store(dir_, make_posix_file_system());
    ASSERT_TRUE(store) << store.error().message;
    store_ = *store;
    auto catalog = Catalog::open(dir_ / "catalog.db");
    ASSERT_TRUE(catalog) << catalog.error().message;
    catalog_ = std::move(*catalog);
    hub_ = std::make_shared<MemoryHub>();
    const auto fixture =
        std::filesystem::path(MIRRORD_TEST_DATA) / "hf/repos/Qwen/Qwen2.5-0.5B-Instruct";
    for (const auto& entry : std::filesystem::directory_iterator(fixture)) {
      hub_->files[entry.path().filename().string()] = read_file(entry.path());
    }
    hub_->lfs.insert("model.safetensors");
    RetryPolicy retry;
    retry.max_attempts = 1;
    source_ =
        std::make_unique<HfSource>(std::vector<std::string>{"http://127.0.0.1:9"}, hub_, retry);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Status pull(const HfTarget& target, JobContext& context,
              const std::filesystem::path& key_file = {}) {
    return run_hf_pull(target, HfPullDeps{*source_, *store_, *catalog_, 3, key_file}, context);
  }

  std::optional<SnapshotInfo> snapshot_of(const std::string& repo) {
    auto snapshot = catalog_->find_snapshot(RepoKey{"model", repo}, kCommit);
    EXPECT_TRUE(snapshot) << snapshot.error().message;
    return snapshot ? *snapshot : std::nullopt;
  }

  nlohmann::json verdict_of(const std::string& repo) {
    auto snapshot = snapshot_of(repo);
    EXPECT_TRUE(snapshot.has_value());
    return snapshot ? nlohmann::json::parse(catalog_->snapshot_trust(snapshot->id)->verdict_json)
                    : nlohmann::json();
  }

  void add_file(const std::string& path, std::string bytes, bool lfs) {
    hub_->files[path] = std::move(bytes);
    if (lfs)
      hub_->lfs.insert(path);
  }

  HfTarget qwen() const {
    HfTarget target;
    target.repo = "Qwen/Qwen2.5-0.5B-Instruct";
    return target;
  }

  std::filesystem::path dir_;
  std::shared_ptr<BlobStore> store_;
  std::shared_ptr<Catalog> catalog_;
  std::shared_ptr<MemoryHub> hub_;
  std::unique_ptr<HfSource> source_;
};

TEST_F(HfPullTest, PublishesEveryFileVerifiedUnderTheRevisionRef) {
  JobContext context;
  Status status = pull(qwen(), context);
  ASSERT_TRUE(status) << status.error().message;
  auto commit = catalog_->resolve_ref(RepoKey{"model", "Qwen/Qwen2.5-0.5B-Instruct"}, "main");
  ASSERT_TRUE(commit && *commit);
  EXPECT_EQ(**commit, kCommit);
  auto snapshot = catalog_->find_snapshot(RepoKey{"model", "Qwen/Qwen2.5-0.5B-Instruct"}, kCommit);
  ASSERT_TRUE(snapshot && *snapshot);
  EXPECT_EQ((*snapshot)->file_count, 8u);
  auto model = catalog_->find_file((*snapshot)->id, "model.safetensors");
  ASSERT_TRUE(model && *model);
  EXPECT_TRUE((*model)->lfs);
  EXPECT_EQ((*model)->sha256.hex(),
            "f1f5670354ac4c96b0a5b3ca36af9e2f93dc5a91950af746017c3435036e0af2");
  EXPECT_EQ((*model)->git_oid.hex(), "eef48b4141df6ea0c316625d30d40a234d5a403a");
  auto config = catalog_->find_file((*snapshot)->id, "config.json");
  ASSERT_TRUE(config && *config);
  EXPECT_EQ((*config)->git_oid.hex(), "e9e9555b7038faff90a6e8143f863595d30c27ad");
  EXPECT_EQ(context.cancelled(), false);
}

TEST_F(HfPullTest, IncludeAndExcludeSelectFiles) {
  HfTarget target = qwen();
  target.include = {"*.json"};
  target.exclude = {"tokenizer*"};
  JobContext context;
  ASSERT_TRUE(pull(target, context));
  auto snapshot = catalog_->find_snapshot(RepoKey{"model", target.repo}, kCommit);
  ASSERT_TRUE(snapshot && *snapshot);
  auto files = catalog_->list_files((*snapshot)->id);
  ASSERT_TRUE(files);
  std::vector<std::string> paths;
  for (const auto& file : *files) {
    paths.push_back(file.path);
  }
  EXPECT_EQ(paths, (std::vector<std::string>{"config.json", "generation_config.json"}));
  EXPECT_EQ(hub_->resolve_count.count("model.safetensors"), 0u);
}

TEST_F(HfPullTest, NothingSelectedIsAPolicyError) {
  HfTarget target = qwen();
  target.include = {"*.gguf"};
  JobContext context;
  Status status = pull(target, context);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::kPolicy);
}

TEST_F(HfPullTest, CorruptFileFailsThePullAndPublishesNothing) {
  std::string corrupt = hub_->files.at("model.safetensors");
  corrupt[1000] ^= 0x01;
  hub_->served_override["model.safetensors"] = corrupt;
  JobContext context;
  Status status = pull(qwen(), context);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::kDigestMismatch);
  EXPECT_NE(status.error().message.find("model.safetensors"), std::string::npos);
  EXPECT_FALSE(*catalog_->repo_exists(RepoKey{"model", "Qwen/Qwen2.5-0.5B-Instruct"}));
  EXPECT_FALSE(store_->contains(sha256_of(corrupt)));
}

TEST_F(HfPullTest, SecondPullReusesStoredBlobsWithoutFetching) {
  JobContext first;
  ASSERT_TRUE(pull(qwen(), first));
  const auto fetched = hub_->resolve_count;
  JobContext second;
  ASSERT_TRUE(pull(qwen(), second));
  EXPECT_EQ(hub_->resolve_count, fetched);
}

TEST_F(HfPullTest, SharedContentIsStoredOnceAcrossRepos) {
  JobContext first;
  ASSERT_TRUE(pull(qwen(), first));
  // A second repo whose files are the same bytes: nothing is fetched again.
  hub_->repo = "Other/Copy";
  hub_->resolve_count.clear();
  HfTarget copy;
  copy.repo = "Other/Copy";
  JobContext second;
  Status status = pull(copy, second);
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_TRUE(hub_->resolve_count.empty());
  std::size_t blobs = 0;
  ASSERT_TRUE(store_->for_each([&](const Sha256&, std::uint64_t) { ++blobs; }));
  EXPECT_EQ(blobs, 8u);
}

std::filesystem::path test_data(const std::string& relative) {
  return std::filesystem::path(MIRRORD_TEST_DATA) / relative;
}

TEST_F(HfPullTest, RefusedPickleIsQuarantinedAndTheRestPublished) {
  const std::string evil = read_file(test_data("pickles/malicious2_v4.pkl"));
  add_file("pytorch_model.bin", evil, true);
  JobContext context;
  Status status = pull(qwen(), context);
  ASSERT_TRUE(status) << status.error().message;
  auto snapshot = snapshot_of("Qwen/Qwen2.5-0.5B-Instruct");
  ASSERT_TRUE(snapshot);
  EXPECT_EQ(snapshot->file_count, 8u);
  EXPECT_FALSE(catalog_->find_file(snapshot->id, "pytorch_model.bin")->has_value());
  auto held = catalog_->list_quarantine(false);
  ASSERT_TRUE(held);
  ASSERT_EQ(held->size(), 1u);
  EXPECT_EQ(held->front().file.path, "pytorch_model.bin");
  EXPECT_EQ(held->front().file.sha256, sha256_of(evil));
  EXPECT_NE(held->front().reason.find("posix.system"), std::string::npos);
  EXPECT_TRUE(store_->contains(sha256_of(evil)));  // kept for inspection, never served
  const auto verdict = verdict_of("Qwen/Qwen2.5-0.5B-Instruct");
  EXPECT_EQ(verdict["decision"], "published");
  EXPECT_EQ(verdict["counts"]["refused"], 1);
  EXPECT_EQ(verdict["counts"]["admitted"], 8);
}

TEST_F(HfPullTest, OnRefusalFailPublishesNothingButQuarantines) {
  add_file("pytorch_model.bin", read_file(test_data("pickles/malicious1_v4.pkl")), true);
  HfTarget target = qwen();
  target.admission.on_refusal = RefusalRule::kFail;
  JobContext context;
  Status status = pull(target, context);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::kPolicy);
  EXPECT_NE(status.error().message.find("pytorch_model.bin was refused"), std::string::npos);
  EXPECT_FALSE(*catalog_->repo_exists(RepoKey{"model", target.repo}));
  EXPECT_EQ(catalog_->list_quarantine(false)->size(), 1u);
}

TEST_F(HfPullTest, TorchWeightsPassTheScanAndRefuseRulesThem) {
  add_file("pytorch_model.bin",
           read_file(test_data("hf/repos/legacy/pickled-model/pytorch_model.bin")), true);
  JobContext scanned;
  ASSERT_TRUE(pull(qwen(), scanned));
  EXPECT_EQ(snapshot_of("Qwen/Qwen2.5-0.5B-Instruct")->file_count, 9u);
  hub_->repo = "Other/Strict";
  HfTarget strict;
  strict.repo = "Other/Strict";
  strict.admission.pickles = PickleRule::kRefuse;
  JobContext refused;
  ASSERT_TRUE(pull(strict, refused));
  EXPECT_EQ(snapshot_of("Other/Strict")->file_count, 8u);
  const auto verdict = verdict_of("Other/Strict");
  EXPECT_EQ(verdict["counts"]["refused"], 1);
}

TEST_F(HfPullTest, FilesOverMaxFileSizeAreNotDownloaded) {
  HfTarget target = qwen();
  target.admission.max_file_size = 8000;  // below model.safetensors and tokenizer.json
  JobContext context;
  ASSERT_TRUE(pull(target, context));
  EXPECT_EQ(hub_->resolve_count.count("model.safetensors"), 0u);
  EXPECT_EQ(hub_->resolve_count.count("tokenizer.json"), 0u);
  EXPECT_EQ(snapshot_of(target.repo)->file_count, 6u);
  EXPECT_EQ(verdict_of(target.repo)["counts"]["withheld"], 2);
  EXPECT_TRUE(catalog_->list_quarantine(true)->empty());  // no bytes to keep
}

TEST_F(HfPullTest, TotalOverMaxTotalSizeFailsBeforeAnyDownload) {
  HfTarget target = qwen();
  target.admission.max_total_size = 1000;
  JobContext context;
  Status status = pull(target, context);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::kPolicy);
  EXPECT_NE(status.error().message.find("max_total_size"), std::string::npos);
  EXPECT_TRUE(hub_->resolve_count.empty());
}

TEST_F(HfPullTest, RemoteCodeIsRefusedByDefaultAndPublishedWhenAllowed) {
  add_file("modeling_kimi.py", "import torch\n", false);
  JobContext refused;
  ASSERT_TRUE(pull(qwen(), refused));
  EXPECT_FALSE(catalog_->find_file(snapshot_of(qwen().repo)->id, "modeling_kimi.py")->has_value());
  EXPECT_EQ(verdict_of(qwen().repo)["remote_code"], nlohmann::json::array({"modeling_kimi.py"}));
  hub_->repo = "Other/Allowed";
  HfTarget allowed;
  allowed.repo = "Other/Allowed";
  allowed.admission.remote_code = RemoteCodeRule::kAllow;
  JobContext published;
  ASSERT_TRUE(pull(allowed, published));
  EXPECT_TRUE(
      catalog_->find_file(snapshot_of("Other/Allowed")->id, "modeling_kimi.py")->has_value());
}

TEST_F(HfPullTest, PublishedSnapshotCarriesAManifestSignedByTheMirror) {
  const auto key_file = dir_ / "keys" / "manifest.pem";
  JobContext context;
  ASSERT_TRUE(pull(qwen(), context, key_file));
  const auto trust = catalog_->snapshot_trust(snapshot_of(qwen().repo)->id);
  ASSERT_TRUE(trust);
  ASSERT_FALSE(trust->manifest.empty());
  auto key = SigningKey::load_or_create(key_file);
  ASSERT_TRUE(key);
  const auto signature = base64_decode_strict(trust->manifest_signature);
  ASSERT_TRUE(signature);
  EXPECT_TRUE(verify_ed25519(key->public_pem(), trust->manifest, *signature));
  EXPECT_FALSE(verify_ed25519(key->public_pem(), trust->manifest + " ", *signature));
  const auto manifest = nlohmann::json::parse(trust->manifest);
  EXPECT_EQ(manifest["commit"], kCommit);
  EXPECT_EQ(manifest["files"].size(), 8u);
  EXPECT_EQ(manifest["key_id"], key->key_id());
}

TEST_F(HfPullTest, ModelSigIsFetchedAndVerifiedWhateverThePatterns) {
  hub_->files.clear();
  hub_->lfs.clear();
  for (const auto& entry :
       std::filesystem::directory_iterator(test_data("model-signing/v1.1.0-elliptic-key"))) {
    hub_->files[entry.path().filename().string()] = read_file(entry.path());
  }
  HfTarget target = qwen();
  target.include = {"signme-*"};
  target.admission.signature = SignatureRule::kRequired;
  target.admission.trusted_keys = {test_data("model-signing/keys/certificate/signing-key-pub.pem")};
  JobContext context;
  Status status = pull(target, context);
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_EQ(snapshot_of(target.repo)->file_count, 3u);  // signme-1, signme-2, model.sig
  const auto verdict = verdict_of(target.repo);
  EXPECT_EQ(verdict["signature"]["status"], "verified");
  hub_->files["signme-2"] += "x";  // a different commit would carry it; same commit, new repo:
  hub_->repo = "Other/Tampered";
  target.repo = "Other/Tampered";
  JobContext tampered;
  Status refused = pull(target, tampered);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("signme-2 does not match its signed digest"),
            std::string::npos);
}

}  // namespace
}  // namespace mirrord
