// make_peer_routes (daemon/peers/peer_routes.hpp): the public endpoints another mirror pulls
// from: the repo list and the blobs of published snapshots (with Range), nothing else.
#include "daemon/peers/peer_routes.hpp"

#include <gmock/gmock.h>
#include <nlohmann/json.hpp>

#include "daemon/peers/peer_client.hpp"
#include "tests/unit/daemon/hf_routes_fixture.hpp"
#include "tests/unit/daemon/trust_fixture.hpp"

namespace mirrord {
namespace {

using hf_test::body_bytes;

class PeerRoutesTest : public trust_fixture::TrustFixture {
 protected:
  std::optional<http::Response> get(const std::string& path, const std::string& method = "GET",
                                    const std::string& range = "") {
    http::Request request;
    request.method = method;
    request.path = path;
    request.target = path;
    if (!range.empty()) {
      request.headers.set("Range", range);
    }
    return peers::make_peer_routes({catalog_, store_, key_file()})(request);
  }
};

TEST_F(PeerRoutesTest, ServesTheBlobsOfPublishedSnapshotsWithRange) {
  const SnapshotFile file = stored("a.bin", "0123456789");
  publish({file});
  const std::string path = "/api/mirror/blobs/" + file.sha256.hex();
  auto whole = get(path);
  ASSERT_TRUE(whole);
  EXPECT_EQ(whole->status, 200);
  EXPECT_EQ(body_bytes(*whole), "0123456789");
  EXPECT_EQ(whole->headers.get("ETag"), "\"" + file.sha256.hex() + "\"");
  auto tail = get(path, "GET", "bytes=4-");
  ASSERT_TRUE(tail);
  EXPECT_EQ(tail->status, 206);
  EXPECT_EQ(body_bytes(*tail), "456789");
  EXPECT_EQ(tail->headers.get("Content-Range"), "bytes 4-9/10");
  auto head = get(path, "HEAD");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->head_content_length, 10u);
  EXPECT_FALSE(head->file);
}

TEST_F(PeerRoutesTest, ABlobNoPublishedSnapshotNamesIsNotFound) {
  publish({stored("a.bin", "published")});
  const SnapshotFile unpublished = stored("b.bin", "stored but in no snapshot");
  EXPECT_EQ(get("/api/mirror/blobs/" + unpublished.sha256.hex())->status, 404);
  EXPECT_EQ(get("/api/mirror/blobs/" + std::string(64, '0'))->status, 404);
  EXPECT_EQ(get("/api/mirror/blobs/not-a-digest")->status, 404);
  EXPECT_EQ(get("/api/mirror/blobs/../catalog.db")->status, 404);
  EXPECT_EQ(get("/api/mirror/blobs/" + unpublished.sha256.hex(), "POST")->status, 405);
}

TEST_F(PeerRoutesTest, ListsEveryRepoOnce) {
  auto empty = get("/api/mirror/repos");
  ASSERT_TRUE(empty);
  EXPECT_EQ(nlohmann::json::parse(empty->body)["repos"].size(), 0u);
  publish({stored("a.bin", "aaaa")});
  auto repos = get("/api/mirror/repos");
  ASSERT_TRUE(repos);
  EXPECT_EQ(repos->status, 200);
  EXPECT_EQ(nlohmann::json::parse(repos->body)["repos"],
            nlohmann::json::parse(R"([{"kind": "model", "name": "org/model"}])"));
}

TEST_F(PeerRoutesTest, ServesRecordsSignedWithTheMirrorsKey) {
  publish({stored("a.bin", "aaaa")});
  auto answer = get("/api/mirror/records/model/org/model");
  ASSERT_TRUE(answer);
  ASSERT_EQ(answer->status, 200) << answer->body;
  auto records = peers::parse_records_answer(answer->body);
  ASSERT_TRUE(records) << records.error().message;
  ASSERT_EQ(records->size(), 1u);
  auto verified = replica::verify_record(records->front(), {key_->public_pem()});
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_EQ(verified->snapshot.commit, trust_fixture::kCommit);
  EXPECT_EQ(verified->snapshot.repo, trust_fixture::kRepo);
  EXPECT_EQ(get("/api/mirror/records/model/org%2Fmodel")->status, 404);
  EXPECT_EQ(get("/api/mirror/records/model/org/other")->status, 404);
  EXPECT_EQ(get("/api/mirror/records/model")->status, 404);
  std::filesystem::remove(key_file());
  EXPECT_EQ(get("/api/mirror/records/model/org/model")->status, 404);
  EXPECT_FALSE(std::filesystem::exists(key_file()));  // serving never creates the key
}

TEST_F(PeerRoutesTest, LeavesOtherPathsAlone) {
  EXPECT_FALSE(get("/api/mirror/manifest-key"));
  EXPECT_FALSE(get("/api/models/org/model"));
  EXPECT_FALSE(get("/api/mirror/blobsx"));
}

}  // namespace
}  // namespace mirrord
