// Several byte sources for one Hugging Face file: an endpoint serving other bytes is passed over
// for an honest one, ModelScope serves bytes only when they match the manifest, and sources whose
// latest requests failed are asked last.
#include <gtest/gtest.h>

#include "daemon/hf/hf_source.hpp"
#include "storage/digest.hpp"
#include "tests/unit/daemon/hf_source_fixture.hpp"

namespace mirrord {
namespace {

using namespace hf_source_test;

constexpr const char* kModelScope = "https://modelscope.test";

std::string modelscope_url(const std::string& path) {
  return std::string(kModelScope) + "/models/" + kRepo + "/resolve/master/" + path;
}

class HfByteSourcesTest : public HfSourceTest {
 protected:
  HfSource with_modelscope(std::vector<std::string> endpoints = {kHub}) {
    HfSource hf = source(std::move(endpoints), 1);
    hf.set_modelscope_endpoints({std::string(kModelScope) + "/"});
    hf.set_upstream_health(health_);
    return hf;
  }
  static std::string forged(std::string content) {
    content[content.size() / 2] ^= 0x01;
    return content;
  }
  Result<BlobInfo> fetch(const HfSource& hf, const std::string& path) {
    return hf.fetch_file(manifest(), entry(path), *store_, nullptr, nullptr);
  }

  std::shared_ptr<UpstreamHealth> health_ = std::make_shared<UpstreamHealth>();
};

TEST_F(HfByteSourcesTest, AnEndpointServingOtherBytesIsPassedOverForAnHonestOne) {
  const std::string& content = file("model.safetensors").content;
  fetcher_->on(resolve_url("model.safetensors"), serve_bytes(forged(content)));
  fetcher_->on(resolve_url("model.safetensors", kBackup), serve_bytes(content));
  HfSource hf = source({kHub, kBackup});
  hf.set_upstream_health(health_);
  auto blob = fetch(hf, "model.safetensors");
  ASSERT_TRUE(blob.ok()) << blob.error().message;
  EXPECT_EQ(blob->sha256, sha256_of(content));
  EXPECT_EQ(blob_count(), 1u);
  EXPECT_EQ(part_count(), 0u);
  const auto hub = *health_->stats(kHub);
  EXPECT_EQ(hub.failures, 1u);
  EXPECT_NE(hub.last_error.find("bytes differ from the manifest"), std::string::npos);
  // The next file asks the honest endpoint first.
  fetcher_->on(resolve_url("config.json", kBackup), serve_bytes(file("config.json").content));
  ASSERT_TRUE(fetch(hf, "config.json").ok());
  EXPECT_EQ(fetcher_->urls().back(), resolve_url("config.json", kBackup));
  EXPECT_EQ(fetcher_->urls().size(), 3u);
}

TEST_F(HfByteSourcesTest, ModelScopeServesTheBytesWhenTheHubFails) {
  const std::string& content = file("model.safetensors").content;
  fetcher_->on(resolve_url("model.safetensors"),
               [](const FetchRequest&) { return status_reply(503, {}); });
  fetcher_->on(modelscope_url("model.safetensors"), serve_bytes(content));
  auto blob = fetch(with_modelscope(), "model.safetensors");
  ASSERT_TRUE(blob.ok()) << blob.error().message;
  EXPECT_EQ(blob->sha256, sha256_of(content));
  EXPECT_EQ(fetcher_->urls(), (std::vector<std::string>{resolve_url("model.safetensors"),
                                                        modelscope_url("model.safetensors")}));
}

TEST_F(HfByteSourcesTest, ModelScopeBytesThatDifferAreNeverKept) {
  const std::string& content = file("config.json").content;
  fetcher_->on(resolve_url("config.json"), [](const FetchRequest&) {
    return FakeReply{{}, {}, {}, {}, make_error(ErrorCode::kUpstreamRetryable, "refused")};
  });
  fetcher_->on(modelscope_url("config.json"), serve_bytes(forged(content)));
  auto blob = fetch(with_modelscope(), "config.json");
  ASSERT_FALSE(blob.ok());
  EXPECT_EQ(blob.error().code, ErrorCode::kDigestMismatch);
  EXPECT_EQ(blob_count(), 0u);
  EXPECT_EQ(part_count(), 0u);
  EXPECT_EQ(health_->stats(kModelScope)->failures, 1u);
}

TEST_F(HfByteSourcesTest, AModelScopeMissAfterAFailingHubStaysRetryable) {
  fetcher_->on(resolve_url("config.json"),
               [](const FetchRequest&) { return status_reply(502, {}); });
  auto blob = fetch(with_modelscope(), "config.json");  // ModelScope: 404 (nothing scripted)
  ASSERT_FALSE(blob.ok());
  EXPECT_EQ(blob.error().code, ErrorCode::kUpstreamRetryable);
  EXPECT_NE(blob.error().message.find("2 tried"), std::string::npos) << blob.error().message;
}

TEST_F(HfByteSourcesTest, AFailingHubIsAskedAfterModelScopeOnceItKeepsFailing) {
  health_->register_base(kHub);
  health_->record_failure(std::string(kHub) + "/x", "connection refused");
  const std::string& content = file("config.json").content;
  fetcher_->on(modelscope_url("config.json"), serve_bytes(content));
  ASSERT_TRUE(fetch(with_modelscope(), "config.json").ok());
  EXPECT_EQ(fetcher_->urls(), std::vector<std::string>{modelscope_url("config.json")});
}

TEST_F(HfByteSourcesTest, DatasetsNeverComeFromModelScope) {
  HfManifest dataset = manifest();
  dataset.repo_type = "dataset";
  auto blob =
      with_modelscope().fetch_file(dataset, entry("config.json"), *store_, nullptr, nullptr);
  ASSERT_FALSE(blob.ok());
  for (const auto& url : fetcher_->urls()) {
    EXPECT_EQ(url.find(kModelScope), std::string::npos) << url;
  }
}

}  // namespace
}  // namespace mirrord
