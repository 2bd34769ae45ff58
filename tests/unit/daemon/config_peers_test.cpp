// [peers.NAME] of the daemon's config (README "Federation"): url and the pinned key, relative to
// the config file; bad tables are refused with file and line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "daemon/config.hpp"
#include "policies/inspect/signing_key.hpp"
#include "tests/unit/storage/temp_dir.hpp"

namespace mirrord {
namespace {

using ::testing::HasSubstr;

void write(const std::filesystem::path& file, const std::string& text) {
  std::ofstream(file) << text;
}

TEST(ConfigPeersTest, ReadsPeersWithKeysRelativeToTheConfigFile) {
  testing::TempDir dir;
  const std::string pem = SigningKey::generate()->public_pem();
  std::filesystem::create_directories(dir.path() / "keys");
  write(dir.path() / "keys" / "national.pem", pem);
  write(dir.path() / "mirrord.toml", R"(
[peers.national]
url = "http://national-mirror:8080/"
key = "keys/national.pem"
[peers.campus-2]
url = "https://campus.example"
key = ")" + (dir.path() / "keys" / "national.pem").string() +
                                         "\"\n");
  auto config = load_config(dir.path() / "mirrord.toml");
  ASSERT_TRUE(config) << config.error().message;
  ASSERT_EQ(config->peers.size(), 2u);
  const PeerConfig* national = config->find_peer("national");
  ASSERT_NE(national, nullptr);
  EXPECT_EQ(national->url, "http://national-mirror:8080");
  EXPECT_EQ(national->key, dir.path() / "keys" / "national.pem");
  EXPECT_EQ(national->public_pem, pem);
  EXPECT_EQ(config->find_peer("campus-2")->url, "https://campus.example");
  EXPECT_EQ(config->find_peer("regional"), nullptr);
}

TEST(ConfigPeersTest, NoPeersByDefault) {
  auto config = parse_config("", "empty.toml");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_TRUE(config->peers.empty());
}

TEST(ConfigPeersTest, RefusesBadPeerTables) {
  const std::pair<const char*, const char*> cases[] = {
      {"[peers.a]\nurl = \"ftp://x\"\nkey = \"k.pem\"\n", "url must be http(s)://"},
      {"[peers.a]\nurl = \"http://x\"\n", "key must name the peer's manifest public key"},
      {"[peers.a]\nurl = \"http://x\"\nkey = \"k.pem\"\nkeys = 1\n", "unknown key 'keys'"},
      {"[peers]\na = 1\n", "must be a table"},
      {"[peers.\"a b\"]\nurl = \"http://x\"\nkey = \"k.pem\"\n", "must be a table named by"},
  };
  for (const auto& [text, problem] : cases) {
    SCOPED_TRACE(text);
    auto config = parse_config(text, "peers.toml");
    ASSERT_FALSE(config);
    EXPECT_THAT(config.error().message, HasSubstr("peers.toml"));
    EXPECT_THAT(config.error().message, HasSubstr(problem));
  }
}

TEST(ConfigPeersTest, AMissingOrNonPemKeyStopsTheLoad) {
  testing::TempDir dir;
  write(dir.path() / "mirrord.toml", "[peers.a]\nurl = \"http://x\"\nkey = \"a.pem\"\n");
  auto missing = load_config(dir.path() / "mirrord.toml");
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().message, HasSubstr("is not a readable PEM public key"));
  write(dir.path() / "a.pem", "not a key\n");
  EXPECT_FALSE(load_config(dir.path() / "mirrord.toml"));
}

}  // namespace
}  // namespace mirrord
