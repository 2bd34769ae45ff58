// The [import] table of the daemon's config: the keys whose bundles `mirrorctl import` accepts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/config.hpp"

namespace mirrord {
namespace {

using ::testing::HasSubstr;

TEST(ConfigImportTest, TrustedKeysDefaultToNone) {
  auto config = parse_config("", "empty.toml");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_TRUE(config->import_trusted_keys.empty());
}

TEST(ConfigImportTest, ReadsTrustedKeyFiles) {
  auto config = parse_config("[import]\ntrusted_keys = [\"/etc/mirrord/a.pem\", \"b.pem\"]\n",
                             "mirrord.toml");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->import_trusted_keys,
            (std::vector<std::filesystem::path>{"/etc/mirrord/a.pem", "b.pem"}));
}

TEST(ConfigImportTest, RefusesUnknownKeysAndWrongTypes) {
  auto typo = parse_config("[import]\ntrusted_key = []\n", "bad.toml");
  ASSERT_FALSE(typo);
  EXPECT_THAT(typo.error().message, HasSubstr("bad.toml:2: unknown key 'trusted_key'"));
  auto scalar = parse_config("[import]\ntrusted_keys = \"a.pem\"\n", "bad.toml");
  ASSERT_FALSE(scalar);
  EXPECT_THAT(scalar.error().message, HasSubstr("must be a list"));
}

}  // namespace
}  // namespace mirrord
