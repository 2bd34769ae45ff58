#include "daemon/service/reload.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/unit/storage/temp_dir.hpp"

namespace mirrord::service {
namespace {

namespace fs = std::filesystem;

std::string policy(const std::string& name) {
  return "[[mirror]]\nname = \"" + name + "\"\nsource = \"hf\"\nrepo = \"Org/" + name +
         "\"\nrevision = \"main\"\n";
}

void write(const fs::path& file, const std::string& text) {
  std::ofstream(file) << text;
}

// A daemon's config file and policy directory in a temporary directory.
class ReloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(policies_dir());
    write(policies_dir() / "a.toml", policy("alpha"));
    write_config("127.0.0.1:0");
    auto config = load_config(config_file());
    ASSERT_TRUE(config) << config.error().message;
    running_ = *config;
    auto book = load_policies(running_);
    ASSERT_TRUE(book) << book.error().message;
    live_ = std::make_shared<LivePolicies>(std::move(*book));
  }

  fs::path config_file() const { return dir_.path() / "mirrord.toml"; }
  fs::path policies_dir() const { return dir_.path() / "policies.d"; }

  void write_config(const std::string& listen, const std::string& extra = "") {
    write(config_file(), "[server]\nlisten = \"" + listen + "\"\n[storage]\nroot = \"" +
                             (dir_.path() / "state").string() + "\"\n[policies]\ndir = \"" +
                             policies_dir().string() + "\"\ninclude_catalog = false\n" + extra);
  }

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const Policy& p : live_->all()) {
      out.push_back(p.name);
    }
    return out;
  }

  testing::TempDir dir_;
  Config running_;
  std::shared_ptr<LivePolicies> live_;
};

TEST_F(ReloadTest, AddedPolicyFileIsResolvableAfterReload) {
  EXPECT_FALSE(live_->resolve("beta"));
  write(policies_dir() / "b.toml", policy("beta"));
  Reloader reloader(config_file(), running_, live_);
  const ReloadReport report = reloader.reload();
  ASSERT_TRUE(report.applied) << report.error;
  EXPECT_EQ(report.policies, 2u);
  EXPECT_TRUE(report.needs_restart.empty());
  EXPECT_TRUE(live_->resolve("beta"));
  EXPECT_EQ(describe(report), std::vector<std::string>{"reloaded: 2 policies"});
}

TEST_F(ReloadTest, BrokenPolicyFileKeepsTheRunningSet) {
  write(policies_dir() / "b.toml", policy("beta") + "name = \n");
  Reloader reloader(config_file(), running_, live_);
  const ReloadReport report = reloader.reload();
  EXPECT_FALSE(report.applied);
  EXPECT_NE(report.error.find((policies_dir() / "b.toml").string() + ":"), std::string::npos)
      << report.error;
  EXPECT_EQ(names(), std::vector<std::string>{"alpha"});
  ASSERT_EQ(describe(report).size(), 1u);
  EXPECT_EQ(describe(report)[0].rfind("reload refused", 0), 0u);
}

TEST_F(ReloadTest, BrokenConfigFileKeepsTheRunningSet) {
  write(policies_dir() / "b.toml", policy("beta"));
  write_config("127.0.0.1:0", "[nonsense]\n");
  Reloader reloader(config_file(), running_, live_);
  const ReloadReport report = reloader.reload();
  EXPECT_FALSE(report.applied);
  EXPECT_NE(report.error.find(config_file().string() + ":"), std::string::npos) << report.error;
  EXPECT_EQ(names(), std::vector<std::string>{"alpha"});
}

TEST_F(ReloadTest, StartOnlySettingsAreReportedAndPoliciesStillApply) {
  write(policies_dir() / "b.toml", policy("beta"));
  write_config("127.0.0.1:9", "[pull]\nparallel_pulls = 7\n");
  Reloader reloader(config_file(), running_, live_);
  const ReloadReport report = reloader.reload();
  ASSERT_TRUE(report.applied) << report.error;
  EXPECT_EQ(report.needs_restart,
            (std::vector<std::string>{"[server] listen", "[pull] parallel_pulls"}));
  EXPECT_TRUE(live_->resolve("beta"));
  const auto lines = describe(report);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1],
            "reload: [server] listen changed; it takes effect after a restart (the running "
            "value stays)");
}

TEST_F(ReloadTest, NewPolicyDirectoryIsAppliedNotReportedAsNeedingRestart) {
  const fs::path other = dir_.path() / "other.d";
  fs::create_directories(other);
  write(other / "g.toml", policy("gamma"));
  Config next = running_;
  next.policies_dir = other;
  EXPECT_TRUE(settings_needing_restart(running_, next).empty());
  write(config_file(), "[storage]\nroot = \"" + (dir_.path() / "state").string() +
                           "\"\n[server]\nlisten = \"127.0.0.1:0\"\n[policies]\ndir = \"" +
                           other.string() + "\"\ninclude_catalog = false\n");
  Reloader reloader(config_file(), running_, live_);
  ASSERT_TRUE(reloader.reload().applied);
  EXPECT_EQ(names(), std::vector<std::string>{"gamma"});
}

TEST(SettingsNeedingRestartTest, NamesEachChangedStartOnlySetting) {
  Config running;
  Config next = running;
  EXPECT_TRUE(settings_needing_restart(running, next).empty());
  next.storage_root = "/elsewhere";
  next.hf_endpoints = {"http://127.0.0.1:1"};
  next.threads = 8;
  EXPECT_EQ(settings_needing_restart(running, next),
            (std::vector<std::string>{"[server] admin_socket", "[server] threads", "[storage] root",
                                      "[upstream.hf] endpoints"}));
}

TEST(SettingsNeedingRestartTest, PeersAreStartOnly) {
  Config running;
  Config next = running;
  next.peers.push_back(PeerConfig{"national", "http://national:8080", "national.pem", "PEM"});
  EXPECT_EQ(settings_needing_restart(running, next), (std::vector<std::string>{"[peers]"}));
}

TEST(LivePoliciesTest, ReaderKeepsItsBookAcrossAReplace) {
  auto first = PolicyBook::load({}, {});
  ASSERT_TRUE(first);
  LivePolicies live(std::move(*first));
  const std::shared_ptr<const PolicyBook> held = live.current();
  auto second = PolicyBook::load({}, {});
  ASSERT_TRUE(second);
  live.replace(std::move(*second));
  EXPECT_NE(live.current(), held);
  EXPECT_TRUE(held->all().empty());
}

}  // namespace
}  // namespace mirrord::service
