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
      PeerPullDeps{{kNational}, nullptr, nullptr, nullptr, {}});
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
  const std::string listing =
      R"({"repos":[{"kind":"pypi","name":"demo/tinypkg"},{"kind":"pypi","name":"demo-other/x"},)"
      R"({"kind":"model","name":"demo/x"},{"kind":"pypi","name":"demo/tinyapp"}]})";
  fetcher.script("http://national.test/api/mirror/repos", FakeReply{200, {}, listing, {}, {}});
  fetcher.script("http://national.test/api/mirror/repos", FakeReply{200, {}, listing, {}, {}});
  PeerClient client(kNational, fetcher, nullptr);
  auto hf = peer_repos_of(policy_of("hf", "national"), client);
  ASSERT_TRUE(hf);
  EXPECT_THAT(*hf, ElementsAre(RepoKey{"model", "Org/Name"}));
  auto apt = peer_repos_of(policy_of("apt", "national"), client);
  ASSERT_TRUE(apt);
  EXPECT_THAT(*apt, ElementsAre(RepoKey{"apt", "demo"}));
  auto git = peer_repos_of(policy_of("git", "national"), client);
  ASSERT_TRUE(git) << git.error().message;
  EXPECT_THAT(*git, ElementsAre(RepoKey{"git", "demo"}));  // the mirror name
  Policy pypi_policy = policy_of("pypi", "national");
  pypi_policy.file = "policies.d/demo.toml";  // a policy entry: every project under its root
  auto pypi = peer_repos_of(pypi_policy, client);
  ASSERT_TRUE(pypi) << pypi.error().message;
  EXPECT_THAT(*pypi, ElementsAre(RepoKey{"pypi", "demo/tinypkg"}, RepoKey{"pypi", "demo/tinyapp"}));
  Policy adhoc = policy_of("pypi", "national");  // pypi:TinyApp: only that project
  adhoc.pypi.projects = {"TinyApp"};
  auto only = peer_repos_of(adhoc, client);
  ASSERT_TRUE(only) << only.error().message;
  EXPECT_THAT(*only, ElementsAre(RepoKey{"pypi", "demo/tinyapp"}));
  auto none = peer_repos_of(pypi_policy, client);  // the fake answers 404 after its script
  EXPECT_FALSE(none);
}

}  // namespace
}  // namespace mirrord::peers
