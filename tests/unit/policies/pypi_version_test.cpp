// PEP 440 versions and specifiers (policies/pypi_version.hpp).
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policies/pypi_version.hpp"

namespace mirrord {
namespace {

using ::testing::HasSubstr;

Pep440Version v(const std::string& text) {
  auto parsed = Pep440Version::parse(text);
  EXPECT_TRUE(parsed.has_value()) << text;
  return parsed.value_or(Pep440Version{});
}

bool matches(const std::string& specifiers, const std::string& version, bool pre = false) {
  auto set = SpecifierSet::parse(specifiers);
  EXPECT_TRUE(set.ok()) << specifiers << ": " << (set.ok() ? "" : set.error().message);
  return set.ok() && set->contains(v(version), pre);
}

TEST(Pep440VersionTest, NormalizesEverySpelling) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"1.0", "1.0"},
      {"v1.0", "1.0"},
      {" 1.0\n", "1.0"},
      {"1.0a1", "1.0a1"},
      {"1.0-alpha.1", "1.0a1"},
      {"1.0.BETA2", "1.0b2"},
      {"1.0c3", "1.0rc3"},
      {"1.0pre", "1.0rc0"},
      {"1.0preview4", "1.0rc4"},
      {"1.0-1", "1.0.post1"},
      {"1.0-r2", "1.0.post2"},
      {"1.0rev", "1.0.post0"},
      {"1.0.dev", "1.0.dev0"},
      {"1.0-dev7", "1.0.dev7"},
      {"2!1.0", "2!1.0"},
      {"1.0+Ubuntu-1", "1.0+ubuntu.1"},
      {"2.6.0+cu124", "2.6.0+cu124"},
      {"1.0a1.post2.dev3", "1.0a1.post2.dev3"},
  };
  for (const auto& [text, normalized] : cases) {
    SCOPED_TRACE(text);
    EXPECT_EQ(v(text).str(), normalized);
  }
}

TEST(Pep440VersionTest, RefusesWhatIsNotAVersion) {
  for (const char* text : {"", "v", "1.", ".1", "1..0", "1.0+", "1.0+a..b", "1.0 beta", "2004d",
                           "1.0-", "1!2!3", "a1.0", "1.0junk", "1234567890123456789",
                           "1.0.post1234567890123456789", "1_0", "1.0/../2"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(Pep440Version::parse(text).has_value());
  }
}

TEST(Pep440VersionTest, OrdersAsPep440Says) {
  // Strictly increasing, from the specification's examples.
  const std::vector<std::string> ordered = {
      "1.0.dev456",    "1.0a1",         "1.0a2.dev456", "1.0a12.dev456",
      "1.0a12",        "1.0b1.dev456",  "1.0b2",        "1.0b2.post345.dev456",
      "1.0b2.post345", "1.0rc1.dev456", "1.0rc1",       "1.0",
      "1.0+abc.5",     "1.0+abc.7",     "1.0+5",        "1.0.post456.dev34",
      "1.0.post456",   "1.0.15",        "1.1.dev1",     "1!0.1"};
  for (std::size_t i = 0; i + 1 < ordered.size(); ++i) {
    SCOPED_TRACE(ordered[i] + " < " + ordered[i + 1]);
    EXPECT_LT(compare_versions(v(ordered[i]), v(ordered[i + 1])), 0);
    EXPECT_GT(compare_versions(v(ordered[i + 1]), v(ordered[i])), 0);
  }
  EXPECT_EQ(compare_versions(v("1.0"), v("1.0.0.0")), 0);
  EXPECT_EQ(compare_versions(v("1.0+007"), v("1.0+7")), 0);
}

TEST(Pep440VersionTest, DetectsPreReleases) {
  EXPECT_TRUE(v("2.0rc1").is_prerelease());
  EXPECT_TRUE(v("2.0.dev3").is_prerelease());
  EXPECT_TRUE(v("2.0.post1.dev1").is_prerelease());
  EXPECT_FALSE(v("2.0.post1").is_prerelease());
  EXPECT_FALSE(v("2.0+rc1").is_prerelease());  // local labels are not pre-releases
}

TEST(SpecifierSetTest, ComparisonOperators) {
  EXPECT_TRUE(matches(">=2.4,<2.6", "2.5.1"));
  EXPECT_FALSE(matches(">=2.4,<2.6", "2.6.0"));
  EXPECT_FALSE(matches(">=2.4, <2.6", "2.3.9"));
  EXPECT_TRUE(matches("<=2.0", "2.0"));
  EXPECT_TRUE(matches("<=2.0", "2.0+local"));
  EXPECT_TRUE(matches("!=2.0", "2.0.1"));
  EXPECT_FALSE(matches("!=2.0", "2.0.0"));
  EXPECT_TRUE(matches("===2.0", "2.0"));
  EXPECT_FALSE(matches("===2.0", "2.0.0"));
}

TEST(SpecifierSetTest, EqualityWithWildcardsAndLocals) {
  EXPECT_TRUE(matches("==2.6.0", "2.6.0+cu124"));  // no local in the specifier: ignored
  EXPECT_FALSE(matches("==2.6.0+cpu", "2.6.0+cu124"));
  EXPECT_TRUE(matches("==2.6.0+cu124", "2.6.0+cu124"));
  EXPECT_TRUE(matches("==2.6.*", "2.6.3"));
  EXPECT_TRUE(matches("==2.6.*", "2.6"));
  EXPECT_FALSE(matches("==2.6.*", "2.7.0"));
  EXPECT_FALSE(matches("!=2.6.*", "2.6.1"));
  EXPECT_TRUE(matches("==2.*", "2.6rc1", true));
}

TEST(SpecifierSetTest, CompatibleRelease) {
  EXPECT_TRUE(matches("~=2.2", "2.9"));
  EXPECT_FALSE(matches("~=2.2", "3.0"));
  EXPECT_FALSE(matches("~=2.2", "2.1"));
  EXPECT_TRUE(matches("~=1.4.5", "1.4.9"));
  EXPECT_FALSE(matches("~=1.4.5", "1.5.0"));
}

TEST(SpecifierSetTest, ExclusiveOrderingRules) {
  EXPECT_FALSE(matches("<2.0", "2.0rc1", true));  // a pre-release of 2.0 is not "< 2.0"
  EXPECT_TRUE(matches("<2.0rc2", "2.0rc1", true));
  EXPECT_TRUE(matches("<2.0", "1.9", true));
  EXPECT_FALSE(matches(">1.7", "1.7.post2"));  // a post-release of 1.7 is not "> 1.7"
  EXPECT_TRUE(matches(">1.7.post1", "1.7.post2"));
  EXPECT_FALSE(matches(">1.7", "1.7+local"));
  EXPECT_TRUE(matches(">1.7", "1.7.1"));
}

TEST(SpecifierSetTest, PreReleasesOnlyWhenAllowedOrNamed) {
  EXPECT_FALSE(matches(">=2.0", "2.1rc1"));
  EXPECT_TRUE(matches(">=2.0", "2.1rc1", true));
  EXPECT_TRUE(matches("==2.1rc1", "2.1rc1"));  // named: allowed without the switch
  EXPECT_TRUE(matches(">=2.1b1", "2.1rc1"));
  EXPECT_FALSE(matches("", "3.0.dev1"));
  EXPECT_TRUE(matches("", "3.0"));
}

TEST(SpecifierSetTest, RefusesMalformedSpecifiers) {
  for (const char* text : {"2.0", ">=", "=>2.0", "~=2", "<2.0.*", ">=2.0+local", "==2.0rc1.*",
                           ">=2.0,,<3", "==not a version", "~=1.0.*"}) {
    SCOPED_TRACE(text);
    auto set = SpecifierSet::parse(text);
    ASSERT_FALSE(set.ok());
    EXPECT_EQ(set.error().code, ErrorCode::kInvalidInput);
    EXPECT_THAT(set.error().message, HasSubstr("version specifier"));
  }
  EXPECT_TRUE(SpecifierSet::parse("  ").value().empty());
}

}  // namespace
}  // namespace mirrord
