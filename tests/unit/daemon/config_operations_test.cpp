// The operations keys of the daemon's config: [schedule], [gc], [storage] quota.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/config.hpp"

namespace mirrord {
namespace {

using ::testing::HasSubstr;

TEST(ConfigOperationsTest, DefaultsAreDocumented) {
  auto config = parse_config("", "empty.toml");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->schedule_jitter, 60);
  EXPECT_EQ(config->schedule_concurrency, 1);
  EXPECT_EQ(config->gc_grace_period, 3600);
  EXPECT_EQ(config->store_quota, 0u);
}

TEST(ConfigOperationsTest, ReadsEveryKey) {
  auto config = parse_config(R"(
[storage]
quota = "2 TiB"
[schedule]
jitter = "5m"
concurrency = 3
[gc]
grace_period = "0"
)",
                             "ops.toml");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->store_quota, 2ull << 40);
  EXPECT_EQ(config->schedule_jitter, 300);
  EXPECT_EQ(config->schedule_concurrency, 3);
  EXPECT_EQ(config->gc_grace_period, 0);
}

std::string error_of(const std::string& text) {
  auto config = parse_config(text, "bad.toml");
  EXPECT_FALSE(config) << text;
  return config ? "" : config.error().message;
}

TEST(ConfigOperationsTest, BadValuesAreRefusedWithTheLine) {
  EXPECT_THAT(error_of("[schedule]\njitter = \"soon\""), HasSubstr("bad.toml:2: 'jitter'"));
  EXPECT_THAT(error_of("[schedule]\nconcurrency = 0"), HasSubstr("concurrency must be 1..64"));
  EXPECT_THAT(error_of("[gc]\ngrace_period = 5"), HasSubstr("bad.toml:2: 'grace_period'"));
  EXPECT_THAT(error_of("[gc]\ngrace = \"1h\""), HasSubstr("unknown key 'grace' in [gc]"));
  EXPECT_THAT(error_of("[storage]\nquota = \"much\""), HasSubstr("bad.toml:2: 'quota'"));
}

}  // namespace
}  // namespace mirrord
