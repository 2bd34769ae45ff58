// HfSource::plan against a fake Fetcher: revision -> commit, the tree with pagination, retries,
// Retry-After, endpoint failover and the upstream answers that must stop a plan.
#include <gtest/gtest.h>

#include "daemon/hf/hf_source.hpp"
#include "storage/digest.hpp"
#include "tests/unit/daemon/hf_source_fixture.hpp"

namespace mirrord {
namespace {

using namespace std::chrono_literals;
using namespace hf_source_test;

TEST_F(HfSourceTest, PlansTheFixtureRepo) {
  serve_fixture_plan();
  auto planned = source().plan(target(), nullptr);
  ASSERT_TRUE(planned.ok()) << planned.error().message;
  EXPECT_EQ(planned->repo, kRepo);
  EXPECT_EQ(planned->repo_type, "model");
  EXPECT_EQ(planned->revision, "main");
  EXPECT_EQ(planned->commit, kCommit);
  ASSERT_EQ(planned->files.size(), 8u);
  std::map<std::string, ManifestEntry> by_path;
  for (const auto& e : planned->files) {
    by_path[e.path] = e;
  }
  // Values from protocols/hf.md §7, computed there from the same fixture files.
  EXPECT_EQ(by_path["config.json"].tree_oid.hex(), "e9e9555b7038faff90a6e8143f863595d30c27ad");
  EXPECT_EQ(by_path["config.json"].size, 785u);
  EXPECT_FALSE(by_path["config.json"].lfs);
  EXPECT_FALSE(by_path["config.json"].sha256);
  const ManifestEntry& weights = by_path["model.safetensors"];
  EXPECT_TRUE(weights.lfs);
  EXPECT_EQ(weights.size, 189680u);
  EXPECT_EQ(weights.tree_oid.hex(), "eef48b4141df6ea0c316625d30d40a234d5a403a");
  EXPECT_EQ(weights.sha256->hex(),
            "f1f5670354ac4c96b0a5b3ca36af9e2f93dc5a91950af746017c3435036e0af2");
  const Json info = Json::parse(planned->info_json);
  EXPECT_EQ(info, (Json{{"private", false}, {"gated", false}, {"tags", {"transformers"}}}));
  EXPECT_EQ(fetcher_->urls(), (std::vector<std::string>{revision_url(), tree_url()}));
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(HfSourceTest, EncodesTheRevisionWithNoSafeCharacters) {
  fetcher_->on(revision_url(kHub, kRepo, "refs%2Fpr%2F1"),
               [](const FetchRequest&) { return json_reply(revision_json()); });
  fetcher_->on(tree_url(), [this](const FetchRequest&) { return json_reply(tree_json(files_)); });
  auto planned = source().plan(target(kRepo, "refs/pr/1"), nullptr);
  ASSERT_TRUE(planned.ok()) << planned.error().message;
  EXPECT_EQ(planned->revision, "refs/pr/1");
}

TEST_F(HfSourceTest, EndpointTrailingSlashIsNotDoubled) {
  serve_fixture_plan();
  auto planned = source({std::string(kHub) + "/"}).plan(target(), nullptr);
  ASSERT_TRUE(planned.ok()) << planned.error().message;
}

TEST_F(HfSourceTest, FollowsLinkPagination) {
  const std::string page2 = std::string(kHub) + "/api/models/" + kRepo + "/tree/" + kCommit +
                            "?recursive=true&expand=false&cursor=abc";
  std::vector<FixtureFile> first(files_.begin(), files_.begin() + 3);
  std::vector<FixtureFile> rest(files_.begin() + 3, files_.end());
  fetcher_->on(revision_url(), [](const FetchRequest&) { return json_reply(revision_json()); });
  fetcher_->on(tree_url(),
               [&](const FetchRequest&) { return json_reply(tree_json(first), page2); });
  fetcher_->on(page2, [&](const FetchRequest&) { return json_reply(tree_json(rest)); });
  auto planned = source().plan(target(), nullptr);
  ASSERT_TRUE(planned.ok()) << planned.error().message;
  EXPECT_EQ(planned->files.size(), 8u);
  EXPECT_EQ(fetcher_->urls().back(), page2);
}

TEST_F(HfSourceTest, RefusesANextLinkToAnotherHost) {
  const std::string elsewhere = "https://evil.test/api/models/x/tree/y?cursor=1";
  fetcher_->on(revision_url(), [](const FetchRequest&) { return json_reply(revision_json()); });
  fetcher_->on(tree_url(),
               [&](const FetchRequest&) { return json_reply(tree_json(files_), elsewhere); });
  auto planned = source().plan(target(), nullptr);
  ASSERT_FALSE(planned.ok());
  EXPECT_EQ(planned.error().code, ErrorCode::kUpstream);
  for (const auto& url : fetcher_->urls()) {
    EXPECT_EQ(url.find("evil.test"), std::string::npos);
  }
}

TEST_F(HfSourceTest, RefusesAPaginationLoop) {
  fetcher_->on(revision_url(), [](const FetchRequest&) { return json_reply(revision_json()); });
  fetcher_->on(tree_url(),
               [&](const FetchRequest&) { return json_reply(Json::array(), tree_url()); });
  auto planned = source().plan(target(), nullptr);
  ASSERT_FALSE(planned.ok());
  EXPECT_EQ(planned.error().code, ErrorCode::kUpstream);
  EXPECT_LE(fetcher_->requests().size(), 3u);
}

TEST_F(HfSourceTest, RenamedRepoIsListedUnderItsCanonicalId) {
  // The fetcher followed the Hub's relative 307; the body names the canonical repo.
  const std::string canonical = "openai-community/gpt2";
  fetcher_->on(revision_url(kHub, "gpt2"),
               [&](const FetchRequest&) { return json_reply(revision_json(canonical)); });
  fetcher_->on(tree_url(kHub, canonical),
               [this](const FetchRequest&) { return json_reply(tree_json(files_)); });
  auto planned = source().plan(target("gpt2"), nullptr);
  ASSERT_TRUE(planned.ok()) << planned.error().message;
  EXPECT_EQ(planned->repo, canonical);
}

TEST_F(HfSourceTest, HostileCanonicalIdIsRefused) {
  fetcher_->on(revision_url(),
               [](const FetchRequest&) { return json_reply(revision_json("../../x")); });
  auto planned = source().plan(target(), nullptr);
  ASSERT_FALSE(planned.ok());
  EXPECT_EQ(planned.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(fetcher_->requests().size(), 1u);
}

TEST_F(HfSourceTest, GatedRepoIsAPolicyFailureNotRetried) {
  for (long status : {401L, 403L}) {
    fetcher_->script(revision_url(), status_reply(status, {{"X-Error-Code", "GatedRepo"}}));
    auto planned = source({kHub, kBackup}).plan(target(), nullptr);
    ASSERT_FALSE(planned.ok());
    EXPECT_EQ(planned.error().code, ErrorCode::kPolicy) << status;
    EXPECT_NE(planned.error().message.find("gated"), std::string::npos);
  }
  EXPECT_EQ(fetcher_->requests().size(), 2u);  // once per status: no retry, no failover
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(HfSourceTest, UnknownRepoOrRevisionIsNotFoundWithTheErrorCode) {
  fetcher_->script(revision_url(),
                   status_reply(404, {{"X-Error-Code", "RevisionNotFound"},
                                      {"X-Error-Message", "Invalid rev id: nope"}}));
  auto planned = source().plan(target(), nullptr);
  ASSERT_FALSE(planned.ok());
  EXPECT_EQ(planned.error().code, ErrorCode::kNotFound);
  EXPECT_NE(planned.error().message.find("RevisionNotFound"), std::string::npos);
  EXPECT_EQ(fetcher_->requests().size(), 1u);
}

TEST_F(HfSourceTest, UnauthorizedRepoNotFoundIsNotFound) {
  fetcher_->script(revision_url(), status_reply(401, {{"X-Error-Code", "RepoNotFound"}}));
  auto planned = source().plan(target(), nullptr);
  ASSERT_FALSE(planned.ok());
  EXPECT_EQ(planned.error().code, ErrorCode::kNotFound);
}

TEST_F(HfSourceTest, HonoursRetryAfterOnRateLimit) {
  serve_fixture_plan();
  fetcher_->script(revision_url(), status_reply(429, {{"Retry-After", "7"}}));
  auto planned = source().plan(target(), nullptr);
  ASSERT_TRUE(planned.ok()) << planned.error().message;
  EXPECT_EQ(sleeps_, (std::vector<std::chrono::milliseconds>{7s}));
  EXPECT_EQ(fetcher_->requests().size(), 3u);
}

TEST_F(HfSourceTest, BacksOffWithJitterWithoutRetryAfter) {
  serve_fixture_plan();
  fetcher_->script(tree_url(), status_reply(503, {}));
  fetcher_->script(tree_url(),
                   FakeReply{0, {}, "", {}, make_error(ErrorCode::kUpstreamRetryable, "reset")});
  auto planned = source().plan(target(), nullptr);
  ASSERT_TRUE(planned.ok()) << planned.error().message;
  ASSERT_EQ(sleeps_.size(), 2u);
  EXPECT_GE(sleeps_[0], 200ms);
  EXPECT_LE(sleeps_[0], 400ms);
  EXPECT_GE(sleeps_[1], 400ms);
  EXPECT_LE(sleeps_[1], 800ms);
}

TEST_F(HfSourceTest, VeryLongRetryAfterFailsAtOnceAsRetryable) {
  fetcher_->script(revision_url(), status_reply(429, {{"Retry-After", "86400"}}));
  auto planned = source().plan(target(), nullptr);
  ASSERT_FALSE(planned.ok());
  EXPECT_EQ(planned.error().code, ErrorCode::kUpstreamRetryable);
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(HfSourceTest, FailsOverToTheNextEndpoint) {
  serve_fixture_plan(kBackup);
  fetcher_->on(revision_url(kHub), [](const FetchRequest&) { return status_reply(503, {}); });
  auto planned = source({kHub, kBackup}, 3).plan(target(), nullptr);
  ASSERT_TRUE(planned.ok()) << planned.error().message;
  const auto urls = fetcher_->urls();
  EXPECT_EQ(std::count(urls.begin(), urls.end(), revision_url(kHub)), 3);
  EXPECT_EQ(urls[3], revision_url(kBackup));
  EXPECT_EQ(urls[4], tree_url(kBackup));
  EXPECT_EQ(sleeps_.size(), 2u);
}

TEST_F(HfSourceTest, EveryEndpointFailingIsRetryable) {
  fetcher_->on(revision_url(kHub), [](const FetchRequest&) { return status_reply(502, {}); });
  fetcher_->on(revision_url(kBackup), [](const FetchRequest&) { return status_reply(500, {}); });
  auto planned = source({kHub, kBackup}, 2).plan(target(), nullptr);
  ASSERT_FALSE(planned.ok());
  EXPECT_EQ(planned.error().code, ErrorCode::kUpstreamRetryable);
  EXPECT_EQ(fetcher_->requests().size(), 4u);
}

TEST_F(HfSourceTest, TraversalInTheTreeFailsThePlanNamingThePath) {
  Json tree = tree_json(files_);
  tree.push_back(Json{{"type", "file"},
                      {"oid", std::string(40, 'a')},
                      {"size", 1},
                      {"path", "../../etc/cron.d/x"}});
  fetcher_->on(revision_url(), [](const FetchRequest&) { return json_reply(revision_json()); });
  fetcher_->on(tree_url(), [&](const FetchRequest&) { return json_reply(tree); });
  auto planned = source().plan(target(), nullptr);
  ASSERT_FALSE(planned.ok());
  EXPECT_EQ(planned.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(planned.error().message.find("../../etc/cron.d/x"), std::string::npos);
}

TEST_F(HfSourceTest, DuplicatePathsAcrossPagesFailThePlan) {
  const std::string page2 = tree_url() + "&cursor=2";
  fetcher_->on(revision_url(), [](const FetchRequest&) { return json_reply(revision_json()); });
  fetcher_->on(tree_url(),
               [&](const FetchRequest&) { return json_reply(tree_json(files_), page2); });
  fetcher_->on(page2, [&](const FetchRequest&) { return json_reply(tree_json({files_[0]})); });
  auto planned = source().plan(target(), nullptr);
  ASSERT_FALSE(planned.ok());
  EXPECT_EQ(planned.error().code, ErrorCode::kInvalidInput);
}

TEST_F(HfSourceTest, MalformedTargetsAreRefusedWithoutARequest) {
  HfTarget bad_type = target();
  bad_type.repo_type = "space";
  for (const HfTarget& t : {target("../x"), target("a/b/c"), target(kRepo, ""),
                            target(kRepo, "main\r\nX: y"), bad_type}) {
    auto planned = source().plan(t, nullptr);
    ASSERT_FALSE(planned.ok()) << t.repo << "@" << t.revision;
    EXPECT_EQ(planned.error().code, ErrorCode::kInvalidInput);
  }
  EXPECT_TRUE(fetcher_->requests().empty());
}

TEST_F(HfSourceTest, DatasetsUseTheirOwnApiAndResolvePrefix) {
  const std::string dataset = "org/data";
  fetcher_->on(std::string(kHub) + "/api/datasets/org/data/revision/main",
               [&](const FetchRequest&) { return json_reply(revision_json(dataset)); });
  fetcher_->on(
      std::string(kHub) + "/api/datasets/org/data/tree/" + kCommit + "?recursive=true&expand=false",
      [&](const FetchRequest&) { return json_reply(tree_json({file("config.json")})); });
  HfTarget t = target(dataset);
  t.repo_type = "dataset";
  auto planned = source().plan(t, nullptr);
  ASSERT_TRUE(planned.ok()) << planned.error().message;
  EXPECT_EQ(planned->repo_type, "dataset");
  const std::string resolve =
      std::string(kHub) + "/datasets/org/data/resolve/" + kCommit + "/config.json";
  fetcher_->on(resolve, serve_bytes(file("config.json").content));
  auto blob = source().fetch_file(*planned, planned->files.at(0), *store_, nullptr, nullptr);
  ASSERT_TRUE(blob.ok()) << blob.error().message;
}

TEST_F(HfSourceTest, CancelledPlanStopsBeforeAnyRequest) {
  serve_fixture_plan();
  std::atomic<bool> cancel{true};
  auto planned = source().plan(target(), &cancel);
  ASSERT_FALSE(planned.ok());
  EXPECT_EQ(planned.error().code, ErrorCode::kCancelled);
  EXPECT_TRUE(fetcher_->requests().empty());
}

}  // namespace
}  // namespace mirrord
