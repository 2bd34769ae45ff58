// with_peer_pulls and peer_repos_of (daemon/peers/peer_pull.hpp): which policies go to a peer,
// what a target is on the peer, and the error for a peer the config does not name.
#include "daemon/peers/peer_pull.hpp"

#include <gmock/gmock.h>

#include "tests/unit/daemon/hf_source_fixture.hpp"

namespace mirrord::peers {
namespace {

using hf_source_test::FakeFetcher;
using hf_source_test::FakeReply;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const PeerConfig kNational{"national", "http://national.test", "national.pem", "PEM"};

Policy policy_of(const std::string& source, const std::string& peer) {
  Policy policy;
  policy.name = "demo";
  policy.source = source;
  policy.hf.repo = "Org/Name";
  policy.git.url = "https://example.org/demo.git";
  policy.upstream_peer = peer;
  return policy;
}

TEST(PeerPullTest, OnlyPoliciesWithAPeerLeaveTheEcosystems) {
  int ecosystem_calls = 0;
  auto factory = with_peer_pulls(
      [&ecosystem_calls](const Policy&) -> JobWork {
        ++ecosystem_calls;
        return [](JobContext&) { return Status{}; };
      },
      PeerPullDeps{{kNational}, nullptr, nullptr, nullptr});
  JobContext context;
  EXPECT_TRUE(factory(policy_of("hf", ""))(context));
  EXPECT_EQ(ecosystem_calls, 1);
  const Status unknown = factory(policy_of("hf", "elsewhere"))(context);
  ASSERT_FALSE(unknown);
  EXPECT_THAT(unknown.error().message, HasSubstr("not a [peers.elsewhere]"));
  EXPECT_EQ(ecosystem_calls, 1);
}

TEST(PeerPullTest, MapsEachSourceToItsReposOnThePeer) {
  FakeFetcher fetcher;
  fetcher.script("http://national.test/api/mirror/repos",
                 FakeReply{200,
                           {},
                           R"({"repos":[{"kind":"pypi","name":"demo/tinypkg"},)"
                           R"({"kind":"pypi","name":"demo-other/x"},)"
                           R"({"kind":"model","name":"demo/tinyapp"}]})",
                           {},
                           {}});
  PeerClient client(kNational, fetcher, nullptr);
  auto hf = peer_repos_of(policy_of("hf", "national"), client);
  ASSERT_TRUE(hf);
  EXPECT_THAT(*hf, ElementsAre(RepoKey{"model", "Org/Name"}));
  auto apt = peer_repos_of(policy_of("apt", "national"), client);
  ASSERT_TRUE(apt);
  EXPECT_THAT(*apt, ElementsAre(RepoKey{"apt", "demo"}));
  auto git = peer_repos_of(policy_of("git", "national"), client);
  ASSERT_TRUE(git);
  EXPECT_EQ(git->front().kind, "git");
  auto pypi = peer_repos_of(policy_of("pypi", "national"), client);
  ASSERT_TRUE(pypi) << pypi.error().message;
  EXPECT_THAT(*pypi, ElementsAre(RepoKey{"pypi", "demo/tinypkg"}));
  auto none = peer_repos_of(policy_of("pypi", "national"), client);  // the 404 after the script
  EXPECT_FALSE(none);
}

}  // namespace
}  // namespace mirrord::peers
