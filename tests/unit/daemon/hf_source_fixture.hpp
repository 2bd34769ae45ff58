// Test support for the HfSource tests: a fake Fetcher (canned replies by URL, every request
// recorded), the 0.5B fixture repo as the Hub would list it (oids computed from the files), and a
// fixture with a real local BlobStore in a temporary directory.
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "daemon/fetch/fetcher.hpp"
#include "daemon/hf/hf_source.hpp"
#include "storage/blob_store.hpp"
#include "storage/digest.hpp"
#include "storage/file_system.hpp"

namespace mirrord::hf_source_test {

using Json = nlohmann::json;
namespace fs = std::filesystem;

inline constexpr const char* kRepo = "Qwen/Qwen2.5-0.5B-Instruct";
inline constexpr const char* kCommit = "7ae557604adf67be50417f59c2c2f167def9a775";
inline constexpr const char* kHub = "https://hub.test";
inline constexpr const char* kBackup = "https://backup.test";

struct FakeReply {
  long status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::optional<Error> fail_after_body;  // a cut after `body` was delivered
  std::optional<Error> fail;             // no response at all
};
using FakeHandler = std::function<FakeReply(const FetchRequest&)>;

// Replays scripted replies per URL (then falls back to the URL's handler) and follows the
// Fetcher contract: bodies reach the sink only for a 2xx that continues at range_start, and
// never beyond max_body_bytes.
class FakeFetcher final : public Fetcher {
 public:
  void on(const std::string& url, FakeHandler handler) {
    std::lock_guard lock(mutex_);
    handlers_[url] = std::move(handler);
  }
  void script(const std::string& url, FakeReply reply) {
    std::lock_guard lock(mutex_);
    scripted_[url].push_back(std::move(reply));
  }
  std::vector<FetchRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::vector<std::string> urls() const {
    std::vector<std::string> out;
    for (const auto& request : requests()) {
      out.push_back(request.url);
    }
    return out;
  }

  Result<FetchResponse> fetch(const FetchRequest& request, const BodySink& sink,
                              const std::atomic<bool>* cancel) override {
    if (cancel != nullptr && cancel->load()) {
      return make_error(ErrorCode::kCancelled, "cancelled");
    }
    const FakeReply reply = next_reply(request);
    if (reply.fail) {
      return *reply.fail;
    }
    FetchResponse response;
    response.status = reply.status;
    response.headers = reply.headers;
    response.effective_url = request.url;
    const bool continues = reply.status == 206 || (reply.status == 200 && request.range_start == 0);
    if (continues) {
      for (std::size_t at = 0; at < reply.body.size(); at += 4096) {
        const std::string_view chunk = std::string_view(reply.body).substr(at, 4096);
        if (response.body_bytes + chunk.size() > request.max_body_bytes) {
          return make_error(ErrorCode::kSizeMismatch, "body over the cap");
        }
        MIRRORD_TRY(sink({reinterpret_cast<const std::byte*>(chunk.data()), chunk.size()}));
        response.body_bytes += chunk.size();
        if (cancel != nullptr && cancel->load()) {
          return make_error(ErrorCode::kCancelled, "cancelled");
        }
      }
    }
    if (reply.fail_after_body) {
      return *reply.fail_after_body;
    }
    return response;
  }

 private:
  FakeReply next_reply(const FetchRequest& request) {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
    if (auto it = scripted_.find(request.url); it != scripted_.end() && !it->second.empty()) {
      FakeReply reply = std::move(it->second.front());
      it->second.pop_front();
      return reply;
    }
    if (auto it = handlers_.find(request.url); it != handlers_.end()) {
      return it->second(request);
    }
    return FakeReply{404, {{"X-Error-Code", "RepoNotFound"}}, "{}", {}, {}};
  }

  mutable std::mutex mutex_;
  std::map<std::string, std::deque<FakeReply>> scripted_;
  std::map<std::string, FakeHandler> handlers_;
  std::vector<FetchRequest> requests_;
};

inline FakeReply json_reply(const Json& body, std::string link = "") {
  FakeReply reply{200, {{"Content-Type", "application/json"}}, body.dump(), {}, {}};
  if (!link.empty()) {
    reply.headers.emplace_back("Link", "<" + link + ">; rel=\"next\"");
  }
  return reply;
}

inline FakeReply status_reply(long status,
                              std::vector<std::pair<std::string, std::string>> headers) {
  return FakeReply{status, std::move(headers), "{\"error\":\"x\"}", {}, {}};
}

// Serves `content` like a resolve endpoint that honours Range.
inline FakeHandler serve_bytes(std::string content) {
  return [content = std::move(content)](const FetchRequest& request) {
    if (request.range_start == 0) {
      return FakeReply{200, {}, content, {}, {}};
    }
    if (request.range_start >= content.size()) {
      return FakeReply{
          416, {{"Content-Range", "bytes */" + std::to_string(content.size())}}, "", {}, {}};
    }
    const std::string range = "bytes " + std::to_string(request.range_start) + "-" +
                              std::to_string(content.size() - 1) + "/" +
                              std::to_string(content.size());
    return FakeReply{206, {{"Content-Range", range}}, content.substr(request.range_start), {}, {}};
  };
}

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The fixture repo as the Hub lists it: model.safetensors is LFS, the rest are regular files.
struct FixtureFile {
  std::string path;
  std::string content;
  bool lfs;
};

inline std::vector<FixtureFile> fixture_files() {
  const fs::path root = fs::path(MIRRORD_TEST_DATA) / "hf/repos" / kRepo;
  std::vector<FixtureFile> files;
  for (const auto& item : fs::directory_iterator(root)) {
    const std::string name = item.path().filename().string();
    files.push_back({name, read_file(item.path()), name.ends_with(".safetensors")});
  }
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.path < b.path; });
  return files;
}

inline Json tree_entry(const FixtureFile& file) {
  const std::uint64_t size = file.content.size();
  if (!file.lfs) {
    return {{"type", "file"},
            {"oid", git_blob_oid_of(file.content).hex()},
            {"size", size},
            {"path", file.path}};
  }
  const Sha256 sha = sha256_of(file.content);
  return {
      {"type", "file"},
      {"oid", lfs_pointer_oid(sha, size).hex()},
      {"size", size},
      {"path", file.path},
      {"xetHash", "0123abcd"},
      {"lfs",
       {{"oid", sha.hex()}, {"size", size}, {"pointerSize", lfs_pointer_text(sha, size).size()}}}};
}

inline Json tree_json(const std::vector<FixtureFile>& files) {
  Json tree = Json::array();
  for (const auto& file : files) {
    tree.push_back(tree_entry(file));
  }
  return tree;
}

inline Json revision_json(const std::string& id = kRepo) {
  return {{"_id", "x"},
          {"id", id},
          {"sha", kCommit},
          {"private", false},
          {"gated", false},
          {"tags", {"transformers"}},
          {"siblings", Json::array()}};
}

inline std::string revision_url(const std::string& endpoint = kHub, const std::string& repo = kRepo,
                                const std::string& rev = "main") {
  return endpoint + "/api/models/" + repo + "/revision/" + rev;
}

inline std::string tree_url(const std::string& endpoint = kHub, const std::string& repo = kRepo) {
  return endpoint + "/api/models/" + repo + "/tree/" + kCommit + "?recursive=true&expand=false";
}

inline std::string resolve_url(const std::string& path, const std::string& endpoint = kHub) {
  return endpoint + "/" + kRepo + "/resolve/" + kCommit + "/" + path;
}

inline HfTarget target(std::string repo = kRepo, std::string revision = "main") {
  HfTarget t;
  t.repo = std::move(repo);
  t.revision = std::move(revision);
  return t;
}

class HfSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device random;
    root_ = fs::temp_directory_path() / ("hf_source_test_" + std::to_string(random()));
    auto store = make_local_blob_store(root_, make_posix_file_system());
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = *store;
    files_ = fixture_files();
  }
  void TearDown() override { fs::remove_all(root_); }

  HfSource source(std::vector<std::string> endpoints = {kHub}, int max_attempts = 3) {
    RetryPolicy policy;
    policy.max_attempts = max_attempts;
    policy.base_delay = std::chrono::milliseconds(400);
    policy.max_delay = std::chrono::seconds(10);
    HfSource hf(std::move(endpoints), fetcher_, policy);
    hf.set_retry_sleep([this](std::chrono::milliseconds delay, const std::atomic<bool>*) {
      sleeps_.push_back(delay);
    });
    return hf;
  }

  void serve_fixture_plan(const std::string& endpoint = kHub) {
    fetcher_->on(revision_url(endpoint),
                 [](const FetchRequest&) { return json_reply(revision_json()); });
    fetcher_->on(tree_url(endpoint),
                 [this](const FetchRequest&) { return json_reply(tree_json(files_)); });
  }

  const FixtureFile& file(const std::string& path) const {
    return *std::find_if(files_.begin(), files_.end(),
                         [&](const auto& f) { return f.path == path; });
  }
  ManifestEntry entry(const std::string& path) const {
    auto parsed = parse_entry(tree_entry(file(path)));
    return parsed;
  }
  static ManifestEntry parse_entry(const Json& json) {
    ManifestEntry e;
    e.path = json["path"];
    e.size = json["size"];
    e.tree_oid = *GitOid::from_hex(json["oid"].get<std::string>());
    if (json.contains("lfs")) {
      e.lfs = true;
      e.sha256 = Sha256::from_hex(json["lfs"]["oid"].get<std::string>());
    }
    return e;
  }
  HfManifest manifest() const { return HfManifest{kRepo, "model", "main", kCommit, {}, "{}"}; }
  std::size_t blob_count() const {
    std::size_t count = 0;
    EXPECT_TRUE(store_->for_each([&count](const Sha256&, std::uint64_t) { ++count; }).ok());
    return count;
  }
  std::size_t part_count() const {
    std::size_t count = 0;
    for (const auto& item : fs::recursive_directory_iterator(root_ / "tmp")) {
      count += item.is_regular_file() ? 1 : 0;
    }
    return count;
  }

  fs::path root_;
  std::shared_ptr<BlobStore> store_;
  std::shared_ptr<FakeFetcher> fetcher_ = std::make_shared<FakeFetcher>();
  std::vector<std::chrono::milliseconds> sleeps_;
  std::vector<FixtureFile> files_;
};

}  // namespace mirrord::hf_source_test
