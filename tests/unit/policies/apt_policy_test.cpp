// The `[[mirror]]` keys of source = "apt" (policies/apt_fields.cpp).
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policies/policy.hpp"

namespace mirrord {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr const char* kMinimal = R"([[mirror]]
name = "debian-bookworm"
source = "apt"
url = "http://deb.debian.org/debian/"
suites = ["bookworm", "bookworm-updates"]
keyring = "/usr/share/keyrings/debian-archive-keyring.gpg"
)";

Result<std::vector<Policy>> parse(const std::string& text) {
  return PolicySet::parse_text(text, "/etc/mirrord/policies.d/apt.toml");
}

std::string error_of(const std::string& extra) {
  auto parsed = parse(std::string(kMinimal) + extra + "\n");
  EXPECT_FALSE(parsed.ok()) << extra;
  return parsed.ok() ? std::string() : parsed.error().message;
}

TEST(AptPolicyTest, MinimalEntryTakesDefaults) {
  auto parsed = parse(kMinimal);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const Policy& policy = parsed->front();
  EXPECT_EQ(policy.source, "apt");
  EXPECT_EQ(policy.apt.url, "http://deb.debian.org/debian");  // trailing '/' dropped
  EXPECT_THAT(policy.apt.suites, ElementsAre("bookworm", "bookworm-updates"));
  EXPECT_THAT(policy.apt.components, ElementsAre("main"));
  EXPECT_THAT(policy.apt.architectures, ElementsAre("amd64"));
  EXPECT_EQ(policy.apt.keyring, "/usr/share/keyrings/debian-archive-keyring.gpg");
  EXPECT_EQ(policy.apt.mode, AptMode::kVerbatim);
  EXPECT_TRUE(policy.apt.mirrors_everything());
  EXPECT_FALSE(policy.apt.dependencies);
  EXPECT_EQ(policy.apt.resign_valid_days, 7);
  EXPECT_EQ(policy.key(), "apt:debian-bookworm");
}

TEST(AptPolicyTest, ReadsEveryKey) {
  auto parsed = parse(std::string(kMinimal) + R"(components = ["main", "non-free-firmware"]
architectures = ["amd64", "arm64"]
fingerprints = ["4d64 fec1 19c2 0290 67d6 e791 f8d2 585b 8783 d481"]
mode = "resign"
packages = ["curl", "libc6"]
priorities = ["required"]
dependencies = true
resign_valid_days = 3
)");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const AptTarget& apt = parsed->front().apt;
  EXPECT_THAT(apt.components, ElementsAre("main", "non-free-firmware"));
  EXPECT_THAT(apt.architectures, ElementsAre("amd64", "arm64"));
  EXPECT_THAT(apt.fingerprints, ElementsAre("4D64FEC119C2029067D6E791F8D2585B8783D481"));
  EXPECT_EQ(apt.mode, AptMode::kResign);
  EXPECT_THAT(apt.packages, ElementsAre("curl", "libc6"));
  EXPECT_THAT(apt.priorities, ElementsAre("required"));
  EXPECT_TRUE(apt.dependencies);
  EXPECT_EQ(apt.resign_valid_days, 3);
  EXPECT_FALSE(apt.mirrors_everything());
}

TEST(AptPolicyTest, RelativeKeyringResolvesAgainstThePolicyFile) {
  std::string text = kMinimal;
  text.replace(text.find("/usr/share/keyrings/"), 20, "keys/");
  auto parsed = parse(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->front().apt.keyring, "/etc/mirrord/policies.d/keys/debian-archive-keyring.gpg");
}

TEST(AptPolicyTest, RequiresUrlSuitesAndKeyring) {
  for (const char* key : {"url", "suites", "keyring"}) {
    std::string text = kMinimal;
    const std::size_t start = text.find(std::string(key) + " = ");
    text.erase(start, text.find('\n', start) - start + 1);
    auto parsed = parse(text);
    ASSERT_FALSE(parsed.ok()) << key;
    EXPECT_THAT(parsed.error().message, HasSubstr("'" + std::string(key) + "'"));
  }
}

TEST(AptPolicyTest, RefusesBadValues) {
  std::string text = kMinimal;
  text.replace(text.find("http://deb"), 10, "ftp://deb.");
  EXPECT_FALSE(parse(text).ok());
  EXPECT_THAT(error_of(R"(mode = "mirror")"), HasSubstr("verbatim"));
  EXPECT_THAT(error_of(R"(architectures = ["AMD64"])"), HasSubstr("architecture"));
  EXPECT_THAT(error_of(R"(components = ["../main"])"), HasSubstr("'..'"));
  EXPECT_THAT(error_of(R"(components = [])"), HasSubstr("empty"));
  EXPECT_THAT(error_of(R"(packages = ["Curl"])"), HasSubstr("package name"));
  EXPECT_THAT(error_of(R"(priorities = ["urgent"])"), HasSubstr("required"));
  EXPECT_THAT(error_of(R"(fingerprints = ["1234"])"), HasSubstr("fingerprint"));
  EXPECT_THAT(error_of(R"(resign_valid_days = 0)"), HasSubstr("between"));
  EXPECT_THAT(error_of(R"(dependencies = "yes")"), HasSubstr("true or false"));
  EXPECT_THAT(error_of(R"(keyrng = "x")"), HasSubstr("did you mean 'keyring'"));
}

TEST(AptPolicyTest, UrlMayNameSeveralMirrorsOfTheArchive) {
  std::string text = kMinimal;
  text.replace(text.find("url = "), text.find('\n', text.find("url = ")) - text.find("url = "),
               R"(url = ["http://deb.debian.org/debian/", "https://mirror.example/debian"])");
  auto parsed = parse(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const AptTarget& apt = parsed->front().apt;
  EXPECT_EQ(apt.url, "http://deb.debian.org/debian");
  EXPECT_THAT(apt.mirror_urls, ElementsAre("https://mirror.example/debian"));
  EXPECT_THAT(apt.all_urls(),
              ElementsAre("http://deb.debian.org/debian", "https://mirror.example/debian"));
  text.replace(text.find("url = "), text.find('\n', text.find("url = ")) - text.find("url = "),
               R"(url = ["http://a/debian", "ftp://b/debian"])");
  ASSERT_FALSE(parse(text).ok());
  EXPECT_THAT(parse(text).error().message, HasSubstr("must be an http(s):// URL"));
  text.replace(text.find("url = "), text.find('\n', text.find("url = ")) - text.find("url = "),
               "url = []");
  EXPECT_THAT(parse(text).error().message, HasSubstr("must name at least one archive root"));
}

TEST(AptPolicyTest, RefusesUnsafeSuites) {
  std::string text = kMinimal;
  text.replace(text.find("\"bookworm\","), 11, "\"../etc\",");
  auto parsed = parse(text);
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.error().message, HasSubstr("suites"));
}

}  // namespace
}  // namespace mirrord
