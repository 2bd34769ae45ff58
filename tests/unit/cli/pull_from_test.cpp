// `mirrorctl pull --from PEER TARGET` (README "Federation"): the peer goes to the daemon as
// "from"; only pull takes it; an unknown peer is explained with the configured ones.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/exit_codes.hpp"
#include "tests/unit/cli/cli_fixtures.hpp"

namespace mirrord::cli {
namespace {

using testing::Captured;
using testing::FakeAdminServer;
using testing::FakeReply;
using testing::FakeRequest;
using ::testing::HasSubstr;
using testing::job_object;
using testing::job_reply;
using testing::run;
using json = nlohmann::json;

TEST(PullFromTest, SendsThePeerWithTheTarget) {
  FakeAdminServer server([](const FakeRequest& request) -> FakeReply {
    if (request.method == "POST") {
      return {202, json{{"job", job_object("succeeded", 8, 199064)}, {"joined", false}}.dump()};
    }
    return job_reply(job_object("succeeded", 8, 199064));
  });
  Captured captured;
  EXPECT_EQ(run(captured, {"pull", "--from", "national", "qwen", "--socket", server.socket_path(),
                           "--no-progress"}),
            kExitOk)
      << captured.err.str();
  ASSERT_FALSE(server.requests().empty());
  EXPECT_EQ(json::parse(server.requests().front().body),
            json({{"target", "qwen"}, {"from", "national"}}));
}

TEST(PullFromTest, WithoutFromTheBodyHasOnlyTheTarget) {
  FakeAdminServer server([](const FakeRequest&) -> FakeReply {
    return {202, json{{"job", job_object("succeeded", 8, 199064)}, {"joined", false}}.dump()};
  });
  Captured captured;
  EXPECT_EQ(run(captured, {"pull", "qwen", "--socket", server.socket_path()}), kExitOk);
  EXPECT_EQ(json::parse(server.requests().front().body), json({{"target", "qwen"}}));
}

TEST(PullFromTest, AnUnknownPeerListsTheConfiguredOnes) {
  FakeAdminServer server([](const FakeRequest&) -> FakeReply {
    return {404, json{{"error", "no peer 'nationl' in the daemon's config ([peers.NAME])"},
                      {"peers", {"national"}}}
                     .dump()};
  });
  Captured captured;
  EXPECT_EQ(run(captured, {"pull", "--from=nationl", "qwen", "--socket", server.socket_path()}),
            kExitUnknownTarget);
  EXPECT_THAT(captured.err.str(), HasSubstr("error: no peer 'nationl'"));
  EXPECT_THAT(captured.err.str(), HasSubstr("the peers in mirrord's config are: [\"national\"]"));
}

TEST(PullFromTest, OnlyPullTakesFromAndItNeedsAName) {
  Captured captured;
  EXPECT_EQ(run(captured, {"ls", "--from", "national", "--socket", "/nonexistent/admin.sock"}),
            kExitUsage);
  EXPECT_THAT(captured.err.str(), HasSubstr("ls does not take --from"));
  Captured missing;
  EXPECT_EQ(run(missing, {"pull", "qwen", "--from"}), kExitUsage);
  EXPECT_THAT(missing.err.str(), HasSubstr("--from needs a peer name"));
}

}  // namespace
}  // namespace mirrord::cli
