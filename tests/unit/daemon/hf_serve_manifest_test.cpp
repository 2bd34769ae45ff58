// make_hf_manifest_route (daemon/hf/hf_serve_manifest.hpp): the signed manifest, its raw
// signature and the public key, by commit or ref; 404s; paths that are not its own.
#include "daemon/hf/hf_serve_manifest.hpp"

#include <gmock/gmock.h>

#include "policies/inspect/base64.hpp"
#include "tests/unit/daemon/trust_fixture.hpp"

namespace mirrord {
namespace {

using trust_fixture::kCommit;

class ManifestRouteTest : public trust_fixture::TrustFixture {
 protected:
  std::optional<http::Response> get(const std::string& path, const std::string& method = "GET") {
    http::Request request;
    request.method = method;
    request.path = path;
    request.target = path;
    return make_hf_manifest_route(catalog_, key_file())(request);
  }
};

TEST_F(ManifestRouteTest, ServesTheSignedBytesByRefAndCommit) {
  const std::int64_t id = publish({stored("a.bin", "aaaa")});
  const SnapshotTrust trust = *catalog_->snapshot_trust(id);
  for (const std::string& revision : {std::string("main"), std::string(kCommit)}) {
    SCOPED_TRACE(revision);
    auto manifest = get("/api/models/org/model/manifest/" + revision);
    ASSERT_TRUE(manifest);
    EXPECT_EQ(manifest->status, 200);
    EXPECT_EQ(manifest->body, trust.manifest);
    EXPECT_EQ(manifest->headers.get("X-Mirror-Signature"), trust.manifest_signature);
    EXPECT_EQ(manifest->headers.get("X-Repo-Commit"), kCommit);
    auto signature = get("/api/models/org/model/manifest/" + revision + "/signature");
    ASSERT_TRUE(signature);
    EXPECT_EQ(signature->body, *base64_decode_strict(trust.manifest_signature));
    EXPECT_TRUE(verify_ed25519(key_->public_pem(), manifest->body, signature->body));
  }
  auto key = get("/api/mirror/manifest-key");
  ASSERT_TRUE(key);
  EXPECT_EQ(key->body, key_->public_pem());
}

TEST_F(ManifestRouteTest, AnswersNotFoundAndLeavesOtherPathsAlone) {
  auto unknown = get("/api/models/org/model/manifest/main");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(unknown->headers.get("X-Error-Code"), "RevisionNotFound");
  const std::int64_t id = publish({stored("a.bin", "aaaa")});
  ASSERT_TRUE(catalog_->set_snapshot_trust(id, SnapshotTrust{}));
  auto unsigned_snapshot = get("/api/models/org/model/manifest/main");
  EXPECT_EQ(unsigned_snapshot->headers.get("X-Error-Code"), "EntryNotFound");
  EXPECT_EQ(get("/api/models/org/model/manifest/main", "POST")->status, 405);
  EXPECT_FALSE(get("/api/models/org/model/tree/main"));
  EXPECT_FALSE(get("/org/model/resolve/main/manifest/x"));
  EXPECT_FALSE(get("/api/models/org/model/manifest/main/other"));
  EXPECT_FALSE(get("/api/spaces/org/model/manifest/main"));
}

TEST_F(ManifestRouteTest, NoKeyYetIsNotFound) {
  std::filesystem::remove(key_file());
  auto key = get("/api/mirror/manifest-key");
  ASSERT_TRUE(key);
  EXPECT_EQ(key->status, 404);
  EXPECT_FALSE(std::filesystem::exists(key_file()));  // serving never creates the key
}

}  // namespace
}  // namespace mirrord
