// HfSource::fetch_file against a fake Fetcher and a real local BlobStore: verified ingest, resume,
// restart when Range is ignored, failover, and the failures that must leave nothing in the store.
#include <gtest/gtest.h>

#include "daemon/hf/hf_source.hpp"
#include "storage/digest.hpp"
#include "tests/unit/daemon/hf_source_fixture.hpp"

namespace mirrord {
namespace {

using namespace std::chrono_literals;
using namespace hf_source_test;

TEST_F(HfSourceTest, FetchesRegularAndLfsFilesIntoTheStore) {
  for (const std::string path : {"config.json", "model.safetensors"}) {
    const std::string& content = file(path).content;
    fetcher_->on(resolve_url(path), serve_bytes(content));
    std::uint64_t progressed = 0;
    auto blob = source().fetch_file(
        manifest(), entry(path), *store_, [&progressed](std::uint64_t n) { progressed += n; },
        nullptr);
    ASSERT_TRUE(blob.ok()) << blob.error().message;
    EXPECT_EQ(blob->sha256, sha256_of(content)) << path;
    if (entry(path).lfs) {
      EXPECT_FALSE(blob->git_oid) << path << ": LFS content is looked up by sha256 only";
    } else {
      EXPECT_EQ(blob->git_oid, git_blob_oid_of(content)) << path;
    }
    EXPECT_EQ(blob->size, content.size());
    EXPECT_EQ(progressed, content.size());
    EXPECT_TRUE(store_->contains(sha256_of(content)));
    const FetchRequest request = fetcher_->requests().back();
    EXPECT_EQ(request.url, resolve_url(path));
    EXPECT_EQ(request.range_start, 0u);
    EXPECT_EQ(request.max_body_bytes, content.size());
  }
  EXPECT_EQ(blob_count(), 2u);
  EXPECT_EQ(part_count(), 0u);
}

TEST_F(HfSourceTest, ResumesAfterACutMidBody) {
  const std::string& content = file("model.safetensors").content;
  const std::size_t cut = 100000;
  fetcher_->script(resolve_url("model.safetensors"),
                   FakeReply{200,
                             {},
                             content.substr(0, cut),
                             make_error(ErrorCode::kUpstreamRetryable, "connection reset"),
                             {}});
  fetcher_->on(resolve_url("model.safetensors"), serve_bytes(content));
  auto blob =
      source().fetch_file(manifest(), entry("model.safetensors"), *store_, nullptr, nullptr);
  ASSERT_TRUE(blob.ok()) << blob.error().message;
  EXPECT_EQ(blob->sha256, sha256_of(content));
  const auto requests = fetcher_->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].range_start, cut);
  EXPECT_EQ(requests[1].max_body_bytes, content.size() - cut);
  EXPECT_EQ(sleeps_.size(), 1u);
}

TEST_F(HfSourceTest, ResumesThePartKeptByAnEarlierAttempt) {
  const std::string& content = file("tokenizer.json").content;
  const std::size_t cut = 3000;
  fetcher_->script(resolve_url("tokenizer.json"),
                   FakeReply{200,
                             {},
                             content.substr(0, cut),
                             make_error(ErrorCode::kUpstreamRetryable, "timeout"),
                             {}});
  auto first =
      source({kHub}, 1).fetch_file(manifest(), entry("tokenizer.json"), *store_, nullptr, nullptr);
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().code, ErrorCode::kUpstreamRetryable);
  EXPECT_EQ(part_count(), 1u);
  fetcher_->on(resolve_url("tokenizer.json"), serve_bytes(content));
  auto second = source().fetch_file(manifest(), entry("tokenizer.json"), *store_, nullptr, nullptr);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(fetcher_->requests().back().range_start, cut);
  EXPECT_EQ(part_count(), 0u);
}

TEST_F(HfSourceTest, RestartsFromZeroWhenARangeIsAnsweredWithTheWholeFile) {
  const std::string& content = file("model.safetensors").content;
  const std::size_t cut = 50000;
  fetcher_->script(
      resolve_url("model.safetensors"),
      FakeReply{
          200, {}, content.substr(0, cut), make_error(ErrorCode::kUpstreamRetryable, "cut"), {}});
  // A server that ignores Range: always 200 with everything.
  fetcher_->on(resolve_url("model.safetensors"), [&content](const FetchRequest&) {
    return FakeReply{200, {}, content, {}, {}};
  });
  auto blob =
      source().fetch_file(manifest(), entry("model.safetensors"), *store_, nullptr, nullptr);
  ASSERT_TRUE(blob.ok()) << blob.error().message;
  EXPECT_EQ(blob->sha256, sha256_of(content));
  const auto requests = fetcher_->requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].range_start, 0u);
  EXPECT_EQ(requests[1].range_start, cut);
  EXPECT_EQ(requests[2].range_start, 0u);
}

TEST_F(HfSourceTest, PartialContentAtTheWrongOffsetRestartsFromZero) {
  const std::string& content = file("tokenizer.json").content;
  fetcher_->script(
      resolve_url("tokenizer.json"),
      FakeReply{
          200, {}, content.substr(0, 1000), make_error(ErrorCode::kUpstreamRetryable, "cut"), {}});
  fetcher_->script(resolve_url("tokenizer.json"),
                   FakeReply{206, {{"Content-Range", "bytes 0-8371/8372"}}, "", {}, {}});
  fetcher_->on(resolve_url("tokenizer.json"), serve_bytes(content));
  auto blob = source().fetch_file(manifest(), entry("tokenizer.json"), *store_, nullptr, nullptr);
  ASSERT_TRUE(blob.ok()) << blob.error().message;
  EXPECT_EQ(fetcher_->requests().back().range_start, 0u);
}

TEST_F(HfSourceTest, DigestMismatchFailsAndLeavesNothingInTheStore) {
  std::string forged = file("model.safetensors").content;
  forged[forged.size() / 2] ^= 0x01;
  fetcher_->on(resolve_url("model.safetensors"), serve_bytes(forged));
  auto blob = source({kHub, kBackup})
                  .fetch_file(manifest(), entry("model.safetensors"), *store_, nullptr, nullptr);
  ASSERT_FALSE(blob.ok());
  EXPECT_EQ(blob.error().code, ErrorCode::kDigestMismatch);
  const std::string& message = blob.error().message;
  EXPECT_NE(message.find("model.safetensors"), std::string::npos) << message;
  EXPECT_NE(message.find(sha256_of(file("model.safetensors").content).hex()), std::string::npos)
      << message;
  EXPECT_NE(message.find(sha256_of(forged).hex()), std::string::npos) << message;
  EXPECT_EQ(blob_count(), 0u);
  EXPECT_EQ(part_count(), 0u);
  // Not retried; the other endpoint was asked from zero and had nothing.
  const auto urls = fetcher_->urls();
  ASSERT_EQ(urls.size(), 2u);
  EXPECT_EQ(urls[1], resolve_url("model.safetensors", kBackup));
  EXPECT_EQ(fetcher_->requests()[1].range_start, 0u);
}

TEST_F(HfSourceTest, RegularFileIsVerifiedByItsGitId) {
  fetcher_->on(resolve_url("config.json"), serve_bytes(file("config.json").content));
  ManifestEntry wrong = entry("config.json");
  wrong.tree_oid = git_blob_oid_of("something else");
  auto blob = source().fetch_file(manifest(), wrong, *store_, nullptr, nullptr);
  ASSERT_FALSE(blob.ok());
  EXPECT_EQ(blob.error().code, ErrorCode::kDigestMismatch);
  EXPECT_EQ(blob_count(), 0u);
}

TEST_F(HfSourceTest, LongerBodyThanDeclaredFailsAndIsDropped) {
  fetcher_->on(resolve_url("config.json"), serve_bytes(file("config.json").content + "trailing"));
  auto blob = source().fetch_file(manifest(), entry("config.json"), *store_, nullptr, nullptr);
  ASSERT_FALSE(blob.ok());
  EXPECT_EQ(blob.error().code, ErrorCode::kSizeMismatch);
  EXPECT_EQ(blob_count(), 0u);
  EXPECT_EQ(part_count(), 0u);
}

TEST_F(HfSourceTest, ShortCleanBodyIsResumed) {
  const std::string& content = file("tokenizer.json").content;
  fetcher_->script(resolve_url("tokenizer.json"),
                   FakeReply{200, {}, content.substr(0, 5000), {}, {}});
  fetcher_->on(resolve_url("tokenizer.json"), serve_bytes(content));
  auto blob = source().fetch_file(manifest(), entry("tokenizer.json"), *store_, nullptr, nullptr);
  ASSERT_TRUE(blob.ok()) << blob.error().message;
  EXPECT_EQ(fetcher_->requests().back().range_start, 5000u);
}

TEST_F(HfSourceTest, MissingFileUpstreamIsNotFound) {
  fetcher_->on(resolve_url("config.json"), [](const FetchRequest&) {
    return status_reply(404, {{"X-Error-Code", "EntryNotFound"}});
  });
  auto blob = source({kHub, kBackup})
                  .fetch_file(manifest(), entry("config.json"), *store_, nullptr, nullptr);
  ASSERT_FALSE(blob.ok());
  EXPECT_EQ(blob.error().code, ErrorCode::kNotFound);
  EXPECT_NE(blob.error().message.find("EntryNotFound"), std::string::npos);
  EXPECT_EQ(fetcher_->requests().size(), 1u);
}

TEST_F(HfSourceTest, FileFailoverContinuesThePartOnTheNextEndpoint) {
  const std::string& content = file("model.safetensors").content;
  const std::size_t cut = 70000;
  fetcher_->script(
      resolve_url("model.safetensors"),
      FakeReply{
          200, {}, content.substr(0, cut), make_error(ErrorCode::kUpstreamRetryable, "reset"), {}});
  fetcher_->on(resolve_url("model.safetensors"),
               [](const FetchRequest&) { return status_reply(503, {}); });
  fetcher_->on(resolve_url("model.safetensors", kBackup), serve_bytes(content));
  auto blob = source({kHub, kBackup}, 2)
                  .fetch_file(manifest(), entry("model.safetensors"), *store_, nullptr, nullptr);
  ASSERT_TRUE(blob.ok()) << blob.error().message;
  const auto requests = fetcher_->requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[2].url, resolve_url("model.safetensors", kBackup));
  EXPECT_EQ(requests[2].range_start, cut);
}

TEST_F(HfSourceTest, RateLimitedDownloadHonoursRetryAfter) {
  fetcher_->script(resolve_url("config.json"), status_reply(429, {{"Retry-After", "3"}}));
  fetcher_->on(resolve_url("config.json"), serve_bytes(file("config.json").content));
  auto blob = source().fetch_file(manifest(), entry("config.json"), *store_, nullptr, nullptr);
  ASSERT_TRUE(blob.ok()) << blob.error().message;
  EXPECT_EQ(sleeps_, (std::vector<std::chrono::milliseconds>{3s}));
}

TEST_F(HfSourceTest, PathIsPercentEncodedKeepingSlashes) {
  const std::string content = "{\"x\": 1}\n";
  ManifestEntry nested{"onnx/my model#1.json", content.size(), false, git_blob_oid_of(content), {}};
  const std::string url =
      std::string(kHub) + "/" + kRepo + "/resolve/" + kCommit + "/onnx/my%20model%231.json";
  fetcher_->on(url, serve_bytes(content));
  auto blob = source().fetch_file(manifest(), nested, *store_, nullptr, nullptr);
  ASSERT_TRUE(blob.ok()) << blob.error().message;
  EXPECT_EQ(fetcher_->requests().at(0).url, url);
}

TEST_F(HfSourceTest, HostileEntryOrManifestIsRefusedWithoutARequest) {
  ManifestEntry traversal = entry("config.json");
  traversal.path = "../../etc/passwd";
  ManifestEntry lfs_without_sha = entry("model.safetensors");
  lfs_without_sha.sha256.reset();
  HfManifest bad_commit = manifest();
  bad_commit.commit = "main";
  HfManifest bad_repo = manifest();
  bad_repo.repo = "evil.test/../x";
  EXPECT_EQ(source().fetch_file(manifest(), traversal, *store_, nullptr, nullptr).error().code,
            ErrorCode::kInvalidInput);
  EXPECT_EQ(
      source().fetch_file(manifest(), lfs_without_sha, *store_, nullptr, nullptr).error().code,
      ErrorCode::kInvalidInput);
  EXPECT_EQ(
      source().fetch_file(bad_commit, entry("config.json"), *store_, nullptr, nullptr).error().code,
      ErrorCode::kInvalidInput);
  EXPECT_EQ(
      source().fetch_file(bad_repo, entry("config.json"), *store_, nullptr, nullptr).error().code,
      ErrorCode::kInvalidInput);
  EXPECT_TRUE(fetcher_->requests().empty());
}

TEST_F(HfSourceTest, CancelStopsTheDownloadAndKeepsThePart) {
  const std::string& content = file("model.safetensors").content;
  fetcher_->on(resolve_url("model.safetensors"), serve_bytes(content));
  std::atomic<bool> cancel{false};
  std::uint64_t received = 0;
  auto blob = source().fetch_file(
      manifest(), entry("model.safetensors"), *store_,
      [&](std::uint64_t n) {
        received += n;
        if (received >= 40000) {
          cancel = true;
        }
      },
      &cancel);
  ASSERT_FALSE(blob.ok());
  EXPECT_EQ(blob.error().code, ErrorCode::kCancelled);
  EXPECT_EQ(blob_count(), 0u);
  EXPECT_EQ(part_count(), 1u);
  EXPECT_EQ(fetcher_->requests().size(), 1u);
  auto resumed =
      source().fetch_file(manifest(), entry("model.safetensors"), *store_, nullptr, nullptr);
  ASSERT_TRUE(resumed.ok()) << resumed.error().message;
  EXPECT_EQ(fetcher_->requests().back().range_start, received);
}

TEST_F(HfSourceTest, EmptyFileNeedsNoRequest) {
  ManifestEntry empty{"empty.txt", 0, false, git_blob_oid_of(""), {}};
  auto blob = source().fetch_file(manifest(), empty, *store_, nullptr, nullptr);
  ASSERT_TRUE(blob.ok()) << blob.error().message;
  EXPECT_EQ(blob->git_oid->hex(), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
  EXPECT_TRUE(fetcher_->requests().empty());
}

TEST_F(HfSourceTest, UnsatisfiableResumeRestartsFromZero) {
  const std::string& content = file("tokenizer.json").content;
  fetcher_->script(
      resolve_url("tokenizer.json"),
      FakeReply{
          200, {}, content.substr(0, 2000), make_error(ErrorCode::kUpstreamRetryable, "cut"), {}});
  fetcher_->script(resolve_url("tokenizer.json"),
                   FakeReply{416, {{"Content-Range", "bytes */8372"}}, "", {}, {}});
  fetcher_->on(resolve_url("tokenizer.json"), serve_bytes(content));
  auto blob = source().fetch_file(manifest(), entry("tokenizer.json"), *store_, nullptr, nullptr);
  ASSERT_TRUE(blob.ok()) << blob.error().message;
  const auto requests = fetcher_->requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[1].range_start, 2000u);
  EXPECT_EQ(requests[2].range_start, 0u);
}

}  // namespace
}  // namespace mirrord
