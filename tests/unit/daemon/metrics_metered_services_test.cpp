// The metering decorators: bytes through the Fetcher, verification failures of real ingests into
// a local store, and pulls by result.
#include "daemon/metrics/metered_services.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "storage/digest.hpp"
#include "tests/unit/storage/temp_dir.hpp"

namespace mirrord::metrics {
namespace {

std::string metric_line(const Metrics& metrics, const std::string& prefix) {
  Exposition out;
  metrics.write(out);
  const std::string& text = out.text();
  const auto at = text.find("\n" + prefix);
  return at == std::string::npos ? "(missing " + prefix + ")"
                                 : text.substr(at + 1, text.find('\n', at + 1) - at - 1);
}

// Sends two chunks, the way a transfer delivers its body.
class ChunkedFetcher final : public Fetcher {
 public:
  Result<FetchResponse> fetch(const FetchRequest&, const BodySink& sink,
                              const std::atomic<bool>*) override {
    const std::string body = "0123456789";
    MIRRORD_TRY(sink(std::as_bytes(std::span(body.data(), 4))));
    MIRRORD_TRY(sink(std::as_bytes(std::span(body.data() + 4, 6))));
    FetchResponse response;
    response.status = 200;
    response.body_bytes = body.size();
    return response;
  }
};

TEST(MeteredServicesTest, TheFetcherCountsEveryBodyByteAndPassesItOn) {
  auto metrics = std::make_shared<Metrics>();
  auto fetcher = make_metered_fetcher(std::make_shared<ChunkedFetcher>(), metrics);
  std::string received;
  auto response = fetcher->fetch(
      {},
      [&](std::span<const std::byte> data) {
        received.append(reinterpret_cast<const char*>(data.data()), data.size());
        return Status();
      },
      nullptr);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(received, "0123456789");
  EXPECT_EQ(metric_line(*metrics, "mirrord_upstream_bytes_total"),
            "mirrord_upstream_bytes_total 10");
}

class MeteredStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = make_local_blob_store(temp_.path(), make_posix_file_system());
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = make_metered_blob_store(std::move(store.value()), metrics_);
  }
  Status write(BlobIngest& ingest, const std::string& bytes) {
    return ingest.write(std::as_bytes(std::span(bytes.data(), bytes.size())));
  }

  mirrord::testing::TempDir temp_;
  std::shared_ptr<Metrics> metrics_ = std::make_shared<Metrics>();
  std::shared_ptr<BlobStore> store_;
};

TEST_F(MeteredStoreTest, DigestAndSizeMismatchesAreCountedAndGoodIngestsAreNot) {
  auto good = store_->begin_ingest({3, sha256_of("abc"), std::nullopt});
  ASSERT_TRUE(good.ok());
  ASSERT_TRUE(write(**good, "abc").ok());
  ASSERT_TRUE((*good)->commit().ok());
  EXPECT_TRUE(store_->contains(sha256_of("abc")));

  auto wrong = store_->begin_ingest({3, sha256_of("xyz"), std::nullopt});
  ASSERT_TRUE(wrong.ok());
  ASSERT_TRUE(write(**wrong, "xyw").ok());
  auto refused = (*wrong)->commit();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kDigestMismatch);

  auto longer = store_->begin_ingest({2, sha256_of("zz"), std::nullopt});
  ASSERT_TRUE(longer.ok());
  EXPECT_FALSE(write(**longer, "zzz").ok());

  EXPECT_EQ(metric_line(*metrics_, "mirrord_verify_failures_total{kind=\"digest\"}"),
            "mirrord_verify_failures_total{kind=\"digest\"} 1");
  EXPECT_EQ(metric_line(*metrics_, "mirrord_verify_failures_total{kind=\"size\"}"),
            "mirrord_verify_failures_total{kind=\"size\"} 1");
}

TEST(MeteredPullTest, PullsAreCountedByResultAndSuccessRecordsTheSync) {
  auto metrics = std::make_shared<Metrics>();
  JobContext context;
  ASSERT_TRUE(metered_pull([](JobContext&) { return Status(); }, "qwen", metrics)(context).ok());
  auto failing = metered_pull(
      [](JobContext&) { return Status(make_error(ErrorCode::kUpstream, "gone")); }, "x", metrics);
  EXPECT_FALSE(failing(context).ok());
  auto cancelled = metered_pull(
      [](JobContext&) { return Status(make_error(ErrorCode::kCancelled, "stop")); }, "y", metrics);
  EXPECT_FALSE(cancelled(context).ok());
  EXPECT_EQ(metric_line(*metrics, "mirrord_pulls_total{result=\"succeeded\"}"),
            "mirrord_pulls_total{result=\"succeeded\"} 1");
  EXPECT_EQ(metric_line(*metrics, "mirrord_pulls_total{result=\"failed\"}"),
            "mirrord_pulls_total{result=\"failed\"} 1");
  EXPECT_EQ(metric_line(*metrics, "mirrord_pulls_total{result=\"cancelled\"}"),
            "mirrord_pulls_total{result=\"cancelled\"} 1");
  const std::string sync = metric_line(*metrics, "mirrord_last_sync_timestamp_seconds{");
  EXPECT_EQ(sync.rfind("mirrord_last_sync_timestamp_seconds{target=\"qwen\"} ", 0), 0u) << sync;
  EXPECT_EQ(metric_line(*metrics, "mirrord_last_sync_timestamp_seconds{target=\"x\"}"),
            "(missing mirrord_last_sync_timestamp_seconds{target=\"x\"})");
}

}  // namespace
}  // namespace mirrord::metrics
