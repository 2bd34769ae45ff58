// PeerClient (daemon/peers/peer_client.hpp): what it asks a peer, resumed blob transfers,
// retries of transient failures only, and the records answer's encoding.
#include "daemon/peers/peer_client.hpp"

#include <gmock/gmock.h>

#include "policies/inspect/base64.hpp"
#include "tests/unit/daemon/hf_source_fixture.hpp"

namespace mirrord::peers {
namespace {

using hf_source_test::FakeFetcher;
using hf_source_test::FakeReply;
using ::testing::HasSubstr;

constexpr const char* kPeerUrl = "http://national.test";

class PeerClientTest : public ::testing::Test {
 protected:
  PeerClient client() {
    PeerClientOptions options;
    options.sleep = [this](std::chrono::milliseconds, const std::atomic<bool>*) { ++sleeps_; };
    return PeerClient(PeerConfig{"national", kPeerUrl, "national.pem", "PEM"}, fetcher_, nullptr,
                      options);
  }

  // Fetches `blob` from `offset` into a string.
  Status fetch(const replica::RecordBlob& blob, std::uint64_t offset, std::string& got) {
    PeerClient peer = client();
    return peer.fetch(blob, offset, [&got](std::span<const std::byte> chunk) -> Status {
      got.append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
      return {};
    });
  }

  FakeFetcher fetcher_;
  int sleeps_ = 0;
};

const std::string kContent(10000, 'x');

replica::RecordBlob blob_of(const std::string& content) {
  return replica::RecordBlob{sha256_of(content), content.size(), std::nullopt, false};
}

std::string blob_url(const std::string& content) {
  return std::string(kPeerUrl) + "/api/mirror/blobs/" + sha256_of(content).hex();
}

TEST_F(PeerClientTest, ABrokenBlobTransferResumesWhereItStopped) {
  const std::string url = blob_url(kContent);
  fetcher_.script(url, FakeReply{200,
                                 {},
                                 kContent.substr(0, 4096),
                                 make_error(ErrorCode::kUpstreamRetryable, "reset"),
                                 {}});
  fetcher_.script(
      url,
      FakeReply{206, {{"Content-Range", "bytes 4096-9999/10000"}}, kContent.substr(4096), {}, {}});
  std::string got;
  ASSERT_TRUE(fetch(blob_of(kContent), 0, got));
  EXPECT_EQ(got, kContent);
  const auto requests = fetcher_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].range_start, 0u);
  EXPECT_EQ(requests[0].max_body_bytes, kContent.size());
  EXPECT_EQ(requests[1].range_start, 4096u);
  EXPECT_EQ(sleeps_, 1);
}

TEST_F(PeerClientTest, StartsAtTheOffsetTheStoreKept) {
  fetcher_.script(
      blob_url(kContent),
      FakeReply{206, {{"Content-Range", "bytes 9000-9999/10000"}}, kContent.substr(9000), {}, {}});
  std::string got;
  ASSERT_TRUE(fetch(blob_of(kContent), 9000, got));
  EXPECT_EQ(got, kContent.substr(9000));
  EXPECT_EQ(fetcher_.requests().front().range_start, 9000u);
}

TEST_F(PeerClientTest, NotFoundIsNotRetriedAndServerErrorsAreRetriedABoundedNumberOfTimes) {
  std::string got;
  const Status missing = fetch(blob_of(kContent), 0, got);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(fetcher_.requests().size(), 1u);
  const std::string other = "other";
  for (int i = 0; i < 10; ++i) {
    fetcher_.script(blob_url(other), FakeReply{503, {}, "", {}, {}});
  }
  const Status failing = fetch(blob_of(other), 0, got);
  ASSERT_FALSE(failing);
  EXPECT_EQ(failing.error().code, ErrorCode::kUpstreamRetryable);
  EXPECT_EQ(fetcher_.requests().size(), 1u + 4u);  // PeerClientOptions::attempts
}

TEST_F(PeerClientTest, AShortBodyIsAnErrorNotASuccess) {
  fetcher_.script(blob_url(kContent), FakeReply{200, {}, kContent.substr(0, 100), {}, {}});
  std::string got;
  EXPECT_FALSE(fetch(blob_of(kContent), 0, got));
}

TEST_F(PeerClientTest, RecordsRoundTripThroughTheAnswerAndTheRepoNameIsEncoded) {
  const RepoKey repo{"model", "Org/Name 1"};
  const std::vector<replica::SignedRecord> records{{"{\"a\":1}", std::string(64, '\x01')},
                                                   {"{\"b\":2}", std::string(64, '\x02')}};
  fetcher_.script(std::string(kPeerUrl) + "/api/mirror/records/model/Org/Name%201",
                  FakeReply{200, {}, records_answer(repo, records), {}, {}});
  PeerClient peer = client();
  auto got = peer.records(repo);
  ASSERT_TRUE(got) << got.error().message;
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[1].bytes, records[1].bytes);
  EXPECT_EQ((*got)[1].signature, records[1].signature);
}

TEST_F(PeerClientTest, ThePeersReasonForARefusalIsKept) {
  fetcher_.script(std::string(kPeerUrl) + "/api/mirror/records/apt/debian",
                  FakeReply{404, {{"X-Error-Message", "debian: resign mode"}}, "", {}, {}});
  PeerClient peer = client();
  auto refused = peer.records(RepoKey{"apt", "debian"});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(refused.error().message, HasSubstr("HTTP 404 (debian: resign mode)"));
}

TEST_F(PeerClientTest, MalformedAnswersAreRefused) {
  for (const std::string& body :
       {std::string("[]"), std::string(R"({"format":"other/v1","records":[]})"),
        std::string(R"({"format":"mirrord-snapshot-record/v1","records":[{"record":"!!"}]})"),
        std::string(R"({"format":"mirrord-snapshot-record/v1","records":[{"record":"e30=",)"
                    R"("signature":"not base64"}]})")}) {
    SCOPED_TRACE(body);
    EXPECT_FALSE(parse_records_answer(body));
  }
}

TEST_F(PeerClientTest, ListsThePeersRepos) {
  fetcher_.script(std::string(kPeerUrl) + "/api/mirror/repos",
                  FakeReply{200, {}, R"({"repos":[{"kind":"pypi","name":"root/demo"}]})", {}, {}});
  fetcher_.script(std::string(kPeerUrl) + "/api/mirror/repos",
                  FakeReply{200, {}, R"({"repos":[{"kind":1}]})", {}, {}});
  PeerClient peer = client();
  auto repos = peer.list_repos();
  ASSERT_TRUE(repos) << repos.error().message;
  ASSERT_EQ(repos->size(), 1u);
  EXPECT_EQ(repos->front(), (RepoKey{"pypi", "root/demo"}));
  auto malformed = peer.list_repos();
  ASSERT_FALSE(malformed);
  EXPECT_THAT(malformed.error().message, HasSubstr("malformed"));
}

}  // namespace
}  // namespace mirrord::peers
