// `upstream = "peer:NAME"` in `[[mirror]]` entries of every source (policies/operation_fields.cpp):
// the entry is pulled from another mirror (README "Federation").
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policies/policy.hpp"
#include "policies/policy_description.hpp"

namespace mirrord {
namespace {

using ::testing::HasSubstr;

// One entry of each source, with the keys it requires.
const char* const kEntries[][2] = {
    {"hf", "repo = \"Org/Name\"\n"},
    {"pypi", "index = \"https://pypi.org/simple/\"\nprojects = [\"demo\"]\n"},
    {"apt",
     "url = \"http://deb.debian.org/debian\"\nsuites = [\"bookworm\"]\n"
     "keyring = \"/usr/share/keyrings/debian-archive-keyring.gpg\"\n"},
    {"git", "url = \"https://example.org/demo.git\"\n"},
};

Result<std::vector<Policy>> parse(const std::string& source, const std::string& fields,
                                  const std::string& upstream) {
  return PolicySet::parse_text(
      "[[mirror]]\nname = \"demo\"\nsource = \"" + source + "\"\n" + fields + upstream + "\n",
      "peer.toml");
}

TEST(PeerUpstreamPolicyTest, EverySourceAcceptsAPeer) {
  for (const auto& [source, fields] : kEntries) {
    SCOPED_TRACE(source);
    auto parsed = parse(source, fields, "upstream = \"peer:national\"");
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(parsed->front().upstream_peer, "national");
    EXPECT_EQ(describe_policy(parsed->front())["peer"], "national");
  }
}

TEST(PeerUpstreamPolicyTest, WithoutTheKeyTheSourcesOwnUpstreamIsUsed) {
  auto parsed = parse("hf", kEntries[0][1], "");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->front().upstream_peer, "");
  EXPECT_FALSE(describe_policy(parsed->front()).contains("peer"));
}

TEST(PeerUpstreamPolicyTest, RefusesWhatIsNotAPeerWithFileAndLine) {
  for (const char* bad :
       {"\"national\"", "\"peer:\"", "\"peer:a/b\"", "\"https://example.org\"", "3"}) {
    SCOPED_TRACE(bad);
    auto parsed = parse("pypi", kEntries[1][1], std::string("upstream = ") + bad);
    ASSERT_FALSE(parsed);
    EXPECT_THAT(parsed.error().message, HasSubstr("peer.toml:6: 'upstream'"));
  }
  auto parsed = parse("hf", kEntries[0][1], "upstream = \"mirror:x\"");
  ASSERT_FALSE(parsed);
  EXPECT_THAT(parsed.error().message, HasSubstr("expected \"peer:NAME\""));
}

}  // namespace
}  // namespace mirrord
