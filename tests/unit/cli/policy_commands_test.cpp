// `mirrorctl policy check|ls|names` (cli/policy_commands.hpp): check runs the policies library
// on real files in a temporary directory, without a daemon; ls and names ask a fake admin API.
#include "cli/policy_commands.hpp"

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/exit_codes.hpp"
#include "tests/unit/cli/cli_fixtures.hpp"

namespace mirrord::cli {
namespace {

using testing::Captured;
using testing::FakeAdminServer;
using testing::FakeReply;
using testing::FakeRequest;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::run;
using json = nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kNoDaemon = "/nonexistent/admin.sock";

constexpr const char* kValidFile = R"([[mirror]]
name = "tiny"
aliases = ["tiny-model"]
source = "hf"
repo = "org/tiny"
revision = "v1"

[[mirror]]
name = "wheels"
source = "pypi"
index = "https://pypi.org/simple/"
projects = ["requests"]

[[mirror]]
name = "tools"
source = "git"
url = "https://git.example/tools.git"
)";

class PolicyFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = (fs::temp_directory_path() / "mirrorctl-policy-XXXXXX").string();
    ASSERT_NE(::mkdtemp(dir.data()), nullptr);
    dir_ = dir;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }

  fs::path dir_;
};

TEST_F(PolicyFiles, AValidFileIsSummarizedWithoutADaemon) {
  const std::string file = write("site.toml", kValidFile);
  Captured captured;
  EXPECT_EQ(run(captured, {"policy", "check", file, "--socket", kNoDaemon}), kExitOk);
  EXPECT_EQ(captured.err.str(), "");
  EXPECT_EQ(captured.out.str(),
            "3 entries in 1 file(s), all valid\n"
            "NAME    SOURCE  UPSTREAM                            DEFINED AT\n"
            "tiny    hf      org/tiny@v1                         " +
                file + ":1\n" + "wheels  pypi    https://pypi.org/simple/: requests  " + file +
                ":8\n" + "tools   git     https://git.example/tools.git       " + file + ":14\n");
}

TEST_F(PolicyFiles, ErrorsNameTheFileAndLineAndExitOne) {
  const std::string good = write("good.toml", kValidFile);
  const std::string typo = write("typo.toml",
                                 "[[mirror]]\nname = \"x\"\nsource = \"hf\"\n"
                                 "repo = \"org/x\"\nrevison = \"main\"\n");
  const std::string syntax = write("syntax.toml", "[[mirror]]\nname = \"y\n");
  Captured captured;
  EXPECT_EQ(run(captured, {"policy", "check", good, typo, syntax}), kExitFailed);
  const std::string err = captured.err.str();
  EXPECT_THAT(err, HasSubstr("error: " + typo + ":5: unknown key 'revison'"));
  EXPECT_THAT(err, HasSubstr("error: " + syntax + ":2: TOML syntax error"));
  EXPECT_THAT(err, HasSubstr("2 of 3 file(s) invalid"));
  EXPECT_EQ(captured.out.str(), "");
}

TEST_F(PolicyFiles, ANameUsedInTwoFilesIsAConflict) {
  const std::string first = write("a.toml", kValidFile);
  const std::string second =
      write("b.toml",
            "[[mirror]]\nname = \"other\"\naliases = [\"TINY\"]\nsource = \"hf\"\n"
            "repo = \"org/other\"\n");
  Captured captured;
  EXPECT_EQ(run(captured, {"policy", "check", first, second}), kExitFailed);
  EXPECT_THAT(captured.err.str(),
              HasSubstr(second + ":1: alias 'TINY' is already used by 'tiny' (" + first + ":1)"));
}

TEST_F(PolicyFiles, ADirectoryStandsForItsTomlFiles) {
  write("b.toml", kValidFile);
  write("a.toml", "[[mirror]]\nname = \"first\"\nsource = \"hf\"\nrepo = \"org/first\"\n");
  write("notes.txt", "not a policy");
  Captured captured;
  EXPECT_EQ(run(captured, {"policy", "check", dir_.string()}), kExitOk) << captured.err.str();
  EXPECT_THAT(captured.out.str(), HasSubstr("4 entries in 2 file(s), all valid\n"));
  EXPECT_LT(captured.out.str().find("first"), captured.out.str().find("tiny"));
}

TEST_F(PolicyFiles, AMissingFileIsReported) {
  Captured captured;
  EXPECT_EQ(run(captured, {"policy", "check", (dir_ / "absent.toml").string()}), kExitFailed);
  EXPECT_THAT(captured.err.str(), HasSubstr("absent.toml: No such file or directory"));
}

TEST_F(PolicyFiles, JsonDescribesEachFileAndEntry) {
  const std::string good = write("good.toml", kValidFile);
  const std::string bad = write("bad.toml", "[[mirror]]\nname = \"z\"\n");
  Captured captured;
  EXPECT_EQ(run(captured, {"policy", "check", "--json", good, bad}), kExitFailed);
  const json report = json::parse(captured.out.str());
  EXPECT_EQ(report["ok"], false);
  ASSERT_EQ(report["files"].size(), 2u);
  EXPECT_EQ(report["files"][0]["ok"], true);
  const json& tiny = report["files"][0]["policies"][0];
  EXPECT_EQ(tiny["name"], "tiny");
  EXPECT_EQ(tiny["aliases"], json({"tiny-model"}));
  EXPECT_EQ(tiny["line"], 1);
  EXPECT_EQ(tiny["hf"]["revision"], "v1");
  EXPECT_EQ(report["files"][0]["policies"][2]["git"]["mirror_name"], "tools");
  EXPECT_EQ(report["files"][1]["ok"], false);
  EXPECT_THAT(report["files"][1]["error"].get<std::string>(), HasSubstr(bad + ":1: "));
}

TEST(PolicyCheckTest, TheShippedCatalogIsValid) {
  std::vector<std::string> args{"policy", "check"};
  for (const auto& entry : fs::directory_iterator(MIRRORD_SOURCE_CATALOG_DIR)) {
    args.push_back(entry.path().string());
  }
  Captured captured;
  EXPECT_EQ(run(captured, args), kExitOk) << captured.err.str();
  EXPECT_THAT(captured.out.str(), HasSubstr("qwen    "));
  EXPECT_THAT(captured.out.str(), HasSubstr("Qwen/Qwen2.5-0.5B-Instruct@main"));
}

TEST(PolicyCheckTest, UsageErrors) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"policy"}, {"policy", "check"}, {"policy", "frob"}, {"policy", "ls", "x"}}) {
    SCOPED_TRACE(::testing::PrintToString(args));
    Captured captured;
    EXPECT_EQ(run(captured, args), kExitUsage);
    EXPECT_THAT(captured.err.str(), HasSubstr("usage: mirrorctl policy check FILE|DIR..."));
  }
}

const json kPolicies = {{"policies",
                         {{{"name", "qwen"},
                           {"aliases", {"qwen2.5"}},
                           {"source", "hf"},
                           {"upstream", "Qwen/Qwen2.5-0.5B-Instruct@main"}},
                          {{"name", "debian"},
                           {"aliases", json::array()},
                           {"source", "apt"},
                           {"upstream", "http://deb.debian.org/debian bookworm"}}}}};

TEST(PolicyListTest, ListsTheDaemonsPolicies) {
  FakeAdminServer server([](const FakeRequest&) -> FakeReply { return {200, kPolicies.dump()}; });
  Captured captured;
  EXPECT_EQ(run(captured, {"policy", "ls", "--socket", server.socket_path()}), kExitOk);
  EXPECT_EQ(captured.out.str(),
            "NAME    ALIASES  SOURCE  UPSTREAM\n"
            "qwen    qwen2.5  hf      Qwen/Qwen2.5-0.5B-Instruct@main\n"
            "debian  -        apt     http://deb.debian.org/debian bookworm\n");
  EXPECT_EQ(server.requests().at(0).target, "/v1/policies");
  Captured as_json;
  EXPECT_EQ(run(as_json, {"policy", "ls", "--json", "--socket", server.socket_path()}), kExitOk);
  EXPECT_EQ(json::parse(as_json.out.str()), kPolicies);
}

TEST(PolicyListTest, NamesPrintsNamesAndAliasesSorted) {
  FakeAdminServer server([](const FakeRequest&) -> FakeReply { return {200, kPolicies.dump()}; });
  Captured captured;
  EXPECT_EQ(run(captured, {"policy", "names", "--socket", server.socket_path()}), kExitOk);
  EXPECT_EQ(captured.out.str(), "debian\nqwen\nqwen2.5\n");
  Captured as_json;
  EXPECT_EQ(run(as_json, {"policy", "names", "--json", "--socket", server.socket_path()}), kExitOk);
  EXPECT_EQ(json::parse(as_json.out.str()), json({"debian", "qwen", "qwen2.5"}));
}

TEST(PolicyListTest, AnAbsentDaemonExitsThree) {
  Captured captured;
  EXPECT_EQ(run(captured, {"policy", "names", "--socket", kNoDaemon}), kExitUnreachable);
  EXPECT_EQ(captured.out.str(), "");
}

}  // namespace
}  // namespace mirrord::cli
