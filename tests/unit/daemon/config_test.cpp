#include "daemon/config.hpp"

#include <gtest/gtest.h>

namespace mirrord {
namespace {

TEST(ConfigTest, EmptyTextKeepsEmbeddedDefaults) {
  auto config = parse_config("", "empty.toml");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->listen, "127.0.0.1:8080");
  EXPECT_EQ(config->storage_root, "mirrord-state");
  EXPECT_EQ(config->admin_socket_path(), std::filesystem::path("mirrord-state/admin.sock"));
  EXPECT_EQ(config->hf_endpoints, std::vector<std::string>{"https://huggingface.co"});
  EXPECT_TRUE(config->include_catalog);
}

TEST(ConfigTest, ReadsEveryDocumentedKey) {
  auto config = parse_config(R"(
[server]
listen = "0.0.0.0:9000"
public_url = "http://mirror.example/hf/"
admin_socket = "/run/m.sock"
threads = 4
[storage]
root = "/srv/mirror"
[policies]
dir = "/etc/mirrord/policies.d"
include_catalog = false
[upstream.hf]
endpoints = ["http://127.0.0.1:1234/", "https://huggingface.co"]
token_file = "/etc/mirrord/token"
ca_bundle = "/etc/ssl/ca.pem"
[pull]
parallel_files = 8
parallel_pulls = 3
)",
                             "full.toml");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->listen, "0.0.0.0:9000");
  EXPECT_EQ(config->public_url, "http://mirror.example/hf");  // trailing slash dropped
  EXPECT_EQ(config->admin_socket_path(), "/run/m.sock");
  EXPECT_EQ(config->threads, 4);
  EXPECT_EQ(config->storage_root, "/srv/mirror");
  EXPECT_EQ(config->policies_dir_path(), "/etc/mirrord/policies.d");
  EXPECT_FALSE(config->include_catalog);
  EXPECT_EQ(config->hf_endpoints,
            (std::vector<std::string>{"http://127.0.0.1:1234", "https://huggingface.co"}));
  EXPECT_EQ(config->hf_token_file, "/etc/mirrord/token");
  EXPECT_EQ(config->parallel_files, 8);
  EXPECT_EQ(config->parallel_pulls, 3);
}

TEST(ConfigTest, UnknownKeyIsRefusedWithItsLine) {
  auto config = parse_config("[server]\nlisten = \"127.0.0.1:1\"\nlisen = \"x\"\n", "typo.toml");
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().message.find("typo.toml:3"), std::string::npos)
      << config.error().message;
  EXPECT_NE(config.error().message.find("lisen"), std::string::npos);
}

TEST(ConfigTest, SyntaxErrorNamesTheLine) {
  auto config = parse_config("[server]\n\nlisten = \n", "broken.toml");
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().message.find("broken.toml:3"), std::string::npos)
      << config.error().message;
}

TEST(ConfigTest, WrongTypesAndValuesAreRefused) {
  EXPECT_FALSE(parse_config("[server]\nthreads = \"two\"\n", "t"));
  EXPECT_FALSE(parse_config("[server]\nlisten = \"nohost\"\n", "t"));
  EXPECT_FALSE(parse_config("[server]\nlisten = \"127.0.0.1:70000\"\n", "t"));
  EXPECT_FALSE(parse_config("[upstream.hf]\nendpoints = []\n", "t"));
  EXPECT_FALSE(parse_config("[upstream.hf]\nendpoints = [\"ftp://x\"]\n", "t"));
  EXPECT_FALSE(parse_config("[pull]\nparallel_files = 0\n", "t"));
}

TEST(ConfigTest, SeveralUpstreamsPerEcosystem) {
  EXPECT_TRUE(parse_config("", "t")->modelscope_endpoints.empty());
  auto config = parse_config(
      "[upstream.modelscope]\nendpoints = [\"https://www.modelscope.cn/\"]\n"
      "[upstream.pypi]\nindex = [\"https://a.example/simple/\", \"https://b.example/simple\"]\n",
      "t");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->modelscope_endpoints, std::vector<std::string>{"https://www.modelscope.cn"});
  EXPECT_EQ(config->pypi_index, "https://a.example/simple");
  EXPECT_EQ(config->pypi_extra_indexes, std::vector<std::string>{"https://b.example/simple"});
  EXPECT_EQ(
      parse_config("[upstream.pypi]\nindex = \"https://c.example/simple/\"\n", "t")->pypi_index,
      "https://c.example/simple/");
  EXPECT_FALSE(parse_config("[upstream.pypi]\nindex = []\n", "t"));
  auto bad = parse_config("[upstream.modelscope]\nendpoints = [\"ftp://x\"]\n", "t");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("[upstream.modelscope] endpoint 'ftp://x' must be http(s)://"),
            std::string::npos)
      << bad.error().message;
}

TEST(ConfigTest, MetricsListenIsOptionalAndChecked) {
  EXPECT_EQ(parse_config("", "t")->metrics_listen, "");
  auto config = parse_config("[server]\nmetrics_listen = \"127.0.0.1:9100\"\n", "t");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->metrics_listen, "127.0.0.1:9100");
  auto bad = parse_config("[server]\nmetrics_listen = \"9100\"\n", "metrics.toml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("metrics.toml"), std::string::npos) << bad.error().message;
  EXPECT_NE(bad.error().message.find("metrics_listen"), std::string::npos) << bad.error().message;
}

TEST(ConfigTest, SplitHostPort) {
  auto parsed = split_host_port("[::1]:8080");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->first, "::1");
  EXPECT_EQ(parsed->second, 8080);
  EXPECT_FALSE(split_host_port("127.0.0.1:"));
  EXPECT_FALSE(split_host_port(":80"));
  EXPECT_FALSE(split_host_port("127.0.0.1:8o"));
}

}  // namespace
}  // namespace mirrord
