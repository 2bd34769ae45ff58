// Pool files and indexes from several mirrors of one archive (daemon/apt/archive_mirrors.hpp):
// a dead mirror, a mirror without the file and a mirror serving other bytes are passed over, and
// nothing that fails its hash is ever stored. (The choice of the newest valid Release is covered
// end to end by tests/integration/test_upstreams.py, with real signatures.)
#include "daemon/apt/archive_mirrors.hpp"

#include <gtest/gtest.h>

#include "tests/unit/daemon/pypi_test_support.hpp"

namespace mirrord::apt {
namespace {

constexpr const char* kDead = "http://dead.test/debian";
constexpr const char* kStale = "http://stale.test/debian";
constexpr const char* kGood = "http://good.test/debian";
const std::string kPath = "pool/main/c/curl/curl_8.0_amd64.deb";

class ArchiveMirrorsTest : public ::testing::Test {
 protected:
  Result<BlobInfo> obtain(const std::vector<std::string>& mirrors) {
    const Upstream upstream{fetcher_, nullptr, RetrySettings{1, {}, {}}, &health_};
    ExpectedContent expected;
    expected.size = content_.size();
    expected.sha256 = sha256_of(content_);
    return obtain_from_mirrors(upstream, *fixture_.store, *fixture_.catalog, mirrors, kPath,
                               expected, nullptr);
  }
  std::size_t stored() {
    std::size_t count = 0;
    EXPECT_TRUE(fixture_.store->for_each([&](const Sha256&, std::uint64_t) { ++count; }).ok());
    return count;
  }

  pypi_test::StoreFixture fixture_;
  pypi_test::UpstreamFake fetcher_;
  UpstreamHealth health_;
  std::string content_ = "the real package bytes";
};

TEST_F(ArchiveMirrorsTest, DeadAndIncompleteMirrorsArePassedOver) {
  fetcher_.serve(std::string(kDead) + "/" + kPath,
                 {0, "", "", make_error(ErrorCode::kUpstreamRetryable, "connection refused")});
  fetcher_.serve_file(std::string(kGood) + "/" + kPath, content_);
  auto blob = obtain({kDead, kStale, kGood});  // kStale answers 404
  ASSERT_TRUE(blob.ok()) << blob.error().message;
  EXPECT_EQ(blob->sha256, sha256_of(content_));
  EXPECT_EQ(fetcher_.count(std::string(kStale) + "/" + kPath), 1u);
}

TEST_F(ArchiveMirrorsTest, AMirrorServingOtherBytesIsChargedAndNeverStored) {
  fetcher_.serve_file(std::string(kStale) + "/" + kPath, "other bytes, same length!");
  fetcher_.serve_file(std::string(kGood) + "/" + kPath, content_);
  auto blob = obtain({kStale, kGood});
  ASSERT_TRUE(blob.ok()) << blob.error().message;
  EXPECT_EQ(stored(), 1u);
  EXPECT_EQ(health_.stats("http://stale.test:80")->failures, 1u);

  pypi_test::StoreFixture empty;
  fixture_.store = empty.store;
  fixture_.catalog = empty.catalog;
  auto refused = obtain({kStale, kDead});  // kDead: 404 after the mismatch
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(refused.error().code == ErrorCode::kSizeMismatch ||
              refused.error().code == ErrorCode::kDigestMismatch)
      << refused.error().message;
  EXPECT_EQ(stored(), 0u);
}

TEST_F(ArchiveMirrorsTest, NoMirrorWithTheFileIsNotFound) {
  auto blob = obtain({kStale, kGood});
  ASSERT_FALSE(blob.ok());
  EXPECT_EQ(blob.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace mirrord::apt
