// The Hugging Face routes over the daemon's GenerationCatalog: answers come from memory until a
// publish, and every publish is visible to the very next request. Over a plain Catalog nothing
// is cached.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "daemon/catalog_generation.hpp"
#include "tests/unit/daemon/hf_routes_fixture.hpp"

namespace mirrord::hf_test {
namespace {

constexpr const char* kNewCommit = "5555555555555555555555555555555555555555";
const std::string kConfigUrl = std::string("/") + kQ05 + "/resolve/main/config.json";
const std::string kInfoUrl = std::string("/api/models/") + kQ05;

class HfRoutesCacheTest : public HfRoutesTest {
 protected:
  void SetUp() override {
    HfRoutesTest::SetUp();
    inner_ = catalog_;
    generation_ = std::make_shared<CatalogGeneration>();
    catalog_ = std::make_shared<GenerationCatalog>(inner_, generation_);  // publish() uses it
    route_ = make_route();
  }

  // Moves Q0.5's main to a new snapshot whose config.json differs.
  void move_main() {
    publish({"model", kQ05}, kNewCommit, {{"config.json", "{}", false}}, {"main"});
  }

  // The same, written behind the routes' back: no generation bump.
  void move_main_unannounced() {
    std::swap(catalog_, inner_);
    move_main();
    std::swap(catalog_, inner_);
  }

  std::shared_ptr<Catalog> inner_;
  std::shared_ptr<CatalogGeneration> generation_;
};

TEST_F(HfRoutesCacheTest, APublishIsServedByTheVeryNextRequest) {
  EXPECT_EQ(header_or_empty(call("HEAD", kConfigUrl), "X-Repo-Commit"), kCommit);
  EXPECT_EQ(nlohmann::json::parse(call("GET", kInfoUrl).body)["sha"], kCommit);

  move_main();

  const auto head = call("HEAD", kConfigUrl);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(header_or_empty(head, "X-Repo-Commit"), kNewCommit);
  EXPECT_EQ(head.head_content_length, 2u);
  EXPECT_EQ(body_bytes(call("GET", kConfigUrl)), "{}");
  const auto info = nlohmann::json::parse(call("GET", kInfoUrl).body);
  EXPECT_EQ(info["sha"], kNewCommit);
  EXPECT_EQ(info["siblings"].size(), 1u);
}

TEST_F(HfRoutesCacheTest, AnswersComeFromMemoryUntilTheGenerationMoves) {
  ASSERT_EQ(header_or_empty(call("HEAD", kConfigUrl), "X-Repo-Commit"), kCommit);
  const std::string info_before = call("GET", kInfoUrl).body;

  move_main_unannounced();  // the catalog changed, but nothing said so

  EXPECT_EQ(header_or_empty(call("HEAD", kConfigUrl), "X-Repo-Commit"), kCommit)
      << "the resolve answer should have come from memory";
  EXPECT_EQ(call("GET", kInfoUrl).body, info_before) << "the info body should be the kept one";

  generation_->bump();
  EXPECT_EQ(header_or_empty(call("HEAD", kConfigUrl), "X-Repo-Commit"), kNewCommit);
  EXPECT_NE(call("GET", kInfoUrl).body, info_before);
}

TEST_F(HfRoutesCacheTest, ARepoThatWasMissingAppearsOnceItIsPublished) {
  const std::string url = "/mirrord-test/late/resolve/main/a.txt";
  EXPECT_EQ(call("HEAD", url).status, 404);
  publish({"model", "mirrord-test/late"}, kNewCommit, {{"a.txt", "late\n", false}}, {"main"});
  const auto head = call("HEAD", url);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.head_content_length, 5u);
}

TEST_F(HfRoutesCacheTest, TheInfoBodyKeptWithBlobsIsNotServedWithoutThem) {
  const auto plain = nlohmann::json::parse(call("GET", kInfoUrl).body);
  const auto blobs = nlohmann::json::parse(call("GET", kInfoUrl + "?blobs=true").body);
  EXPECT_FALSE(plain["siblings"][0].contains("size"));
  EXPECT_TRUE(blobs["siblings"][0].contains("size"));
  EXPECT_EQ(nlohmann::json::parse(call("GET", kInfoUrl).body), plain);
}

TEST_F(HfRoutesCacheTest, TreesAndPathsInfoFollowAPublishToo) {
  const std::string tree_url = std::string("/api/models/") + kQ05 + "/tree/main";
  EXPECT_GT(nlohmann::json::parse(call("GET", tree_url).body).size(), 1u);
  move_main();
  const auto tree = nlohmann::json::parse(call("GET", tree_url).body);
  ASSERT_EQ(tree.size(), 1u);
  EXPECT_EQ(tree[0]["path"], "config.json");
  const auto info =
      call("POST", std::string("/api/models/") + kQ05 + "/paths-info/main",
           {{"Content-Type", "application/json"}}, R"({"paths":["config.json","README.md"]})");
  EXPECT_EQ(nlohmann::json::parse(info.body).size(), 1u);
}

// The fixture's own route is over the plain Catalog: nothing may be kept there.
TEST_F(HfRoutesTest, OverAPlainCatalogEveryRequestSeesTheCatalogAsItIs) {
  EXPECT_EQ(header_or_empty(call("HEAD", kConfigUrl), "X-Repo-Commit"), kCommit);
  publish({"model", kQ05}, kNewCommit, {{"config.json", "{}", false}}, {"main"});
  EXPECT_EQ(header_or_empty(call("HEAD", kConfigUrl), "X-Repo-Commit"), kNewCommit);
}

}  // namespace
}  // namespace mirrord::hf_test
