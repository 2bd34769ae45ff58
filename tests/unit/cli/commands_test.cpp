// mirrorctl's other commands and its dispatcher against a fake admin API on a Unix socket
// (cli/commands.hpp, cli/admin_client.hpp): output, JSON, usage errors and exit codes.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "tests/unit/cli/cli_fixtures.hpp"

namespace mirrord::cli {
namespace {

using testing::Captured;
using testing::FakeAdminServer;
using testing::FakeReply;
using testing::FakeRequest;
using ::testing::HasSubstr;
using testing::job_object;
using testing::job_reply;
using ::testing::Not;
using testing::run;
using json = nlohmann::json;

TEST(UnreachableTest, MissingSocketExitsThreeWithTheReason) {
  Captured captured;
  const std::string socket = "/nonexistent-dir/mirrord/admin.sock";
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"pull", "qwen", "--socket", socket},
                                             {"ls", "--socket", socket},
                                             {"status", "--socket", socket}}) {
    SCOPED_TRACE(args[0]);
    captured.err.str("");
    EXPECT_EQ(run(captured, args), kExitUnreachable);
    EXPECT_EQ(captured.err.str(), "cannot reach mirrord at " + socket +
                                      ": No such file or directory; is it running? (see README)\n");
  }
}

TEST(UnreachableTest, SocketFromTheEnvironmentIsUsed) {
  Captured captured;
  EXPECT_EQ(dispatch({"ls"}, "/nonexistent-env/admin.sock", captured.console), kExitUnreachable);
  EXPECT_THAT(captured.err.str(), HasSubstr("at /nonexistent-env/admin.sock:"));
}

TEST(UnreachableTest, AStaleSocketFileIsRefused) {
  std::string dir = (std::filesystem::temp_directory_path() / "mirrorctl-stale-XXXXXX").string();
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  const std::string socket = dir + "/admin.sock";
  // A socket file that nobody listens on any more: bind it, close without unlinking.
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, socket.c_str(), sizeof address.sun_path - 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ::close(fd);
  Captured captured;
  EXPECT_EQ(run(captured, {"status", "--socket", socket}), kExitUnreachable);
  EXPECT_THAT(captured.err.str(), HasSubstr(": Connection refused; is it running?"));
  std::filesystem::remove_all(dir);
}

TEST(LsTest, PrintsATableOfRepos) {
  FakeAdminServer server([](const FakeRequest&) -> FakeReply {
    return {200, json{{"repos",
                       {{{"kind", "model"},
                         {"repo", "Qwen/Qwen2.5-0.5B-Instruct"},
                         {"ref", "main"},
                         {"commit", "7ae557604adf67be50417f59c2c2f167def9a775"},
                         {"files", 8},
                         {"bytes", 199064},
                         {"published_at", 1795897950},
                         {"state", "published"}}}}}
                     .dump()};
  });
  Captured captured;
  EXPECT_EQ(run(captured, {"ls", "--socket", server.socket_path()}), kExitOk);
  EXPECT_EQ(captured.out.str(),
            "KIND   REPO                        REF   COMMIT        FILES       SIZE  STATE      "
            "SYNCED (UTC)\n"
            "model  Qwen/Qwen2.5-0.5B-Instruct  main  7ae557604adf      8  194.4 KiB  published  "
            "2026-11-28 20:32\n");
  EXPECT_EQ(server.requests().at(0).target, "/v1/repos");
}

TEST(LsTest, EmptyMirrorSaysHowToStart) {
  FakeAdminServer server([](const FakeRequest&) -> FakeReply { return {200, R"({"repos": []})"}; });
  Captured captured;
  EXPECT_EQ(run(captured, {"--socket", server.socket_path(), "ls"}), kExitOk);
  EXPECT_THAT(captured.out.str(), HasSubstr("no repositories mirrored yet"));
}

TEST(LsTest, JsonPrintsTheApiObject) {
  const json answer = {{"repos", json::array({{{"kind", "model"}, {"repo", "a/b"}}})}};
  FakeAdminServer server([&](const FakeRequest&) -> FakeReply { return {200, answer.dump()}; });
  Captured captured;
  EXPECT_EQ(run(captured, {"ls", "--json", "--socket", server.socket_path()}), kExitOk);
  EXPECT_EQ(json::parse(captured.out.str()), answer);
}

TEST(StatusTest, PrintsDaemonFactsAndRunningJobs) {
  FakeAdminServer server([](const FakeRequest&) -> FakeReply {
    return {200, json{{"version", "0.1.0"},
                      {"started_at", 1795890000},
                      {"uptime_s", 7385},
                      {"listen", "0.0.0.0:8080"},
                      {"public_url", "http://mirror.example:8080"},
                      {"storage_root", "/var/lib/mirrord"},
                      {"jobs", {job_object("running", 3, 120000)}}}
                     .dump()};
  });
  Captured captured;
  EXPECT_EQ(run(captured, {"status", "--socket", server.socket_path()}), kExitOk);
  const std::string out = captured.out.str();
  EXPECT_THAT(out, HasSubstr("mirrord 0.1.0, up 2h03m\n"));
  EXPECT_THAT(out, HasSubstr("listening on  0.0.0.0:8080\n"));
  EXPECT_THAT(out, HasSubstr("public URL    http://mirror.example:8080\n"));
  EXPECT_THAT(out, HasSubstr("1 job(s) queued or running:\n"));
  EXPECT_THAT(out, HasSubstr(" 7  running  qwen      3/8  117.2 KiB/194.4 KiB"));
}

TEST(StatusTest, AnswerThatIsNotJsonIsAnError) {
  FakeAdminServer server([](const FakeRequest&) -> FakeReply { return {200, "<html>"}; });
  Captured captured;
  EXPECT_EQ(run(captured, {"status", "--socket", server.socket_path()}), kExitFailed);
  EXPECT_THAT(captured.err.str(), HasSubstr("something other than a JSON object"));
}

TEST(VersionTest, PrintsBothVersionsAndToleratesAnAbsentDaemon) {
  FakeAdminServer server([](const FakeRequest&) -> FakeReply {
    return {200, R"({"version": "9.9.9"})"};
  });
  Captured up;
  EXPECT_EQ(run(up, {"version", "--socket", server.socket_path()}), kExitOk);
  EXPECT_THAT(up.out.str(), HasSubstr(std::string("mirrorctl ") + MIRRORD_VERSION + "\n"));
  EXPECT_THAT(up.out.str(), HasSubstr("mirrord 9.9.9"));
  Captured down;
  EXPECT_EQ(run(down, {"version", "--socket", "/nonexistent/admin.sock"}), kExitOk);
  EXPECT_THAT(down.out.str(), HasSubstr("mirrord: not reachable at /nonexistent/admin.sock"));
}

TEST(DispatchTest, UsageErrorsExitTwo) {
  const std::vector<std::vector<std::string>> cases = {{},
                                                       {"frobnicate"},
                                                       {"pull"},
                                                       {"pull", "a", "b"},
                                                       {"ls", "extra"},
                                                       {"completion", "bash", "--json"},
                                                       {"ls", "--no-progress"},
                                                       {"ls", "--bogus"}};
  for (const auto& args : cases) {
    SCOPED_TRACE(::testing::PrintToString(args));
    Captured captured;
    EXPECT_EQ(run(captured, args), kExitUsage);
    EXPECT_NE(captured.err.str(), "");
    EXPECT_EQ(captured.out.str(), "");
  }
}

TEST(DispatchTest, HelpListsEveryCommandFlagAndExitCode) {
  Captured captured;
  EXPECT_EQ(run(captured, {"help"}), kExitOk);
  const std::string help = captured.out.str();
  for (const Command& command : command_table()) {
    EXPECT_THAT(help, HasSubstr("  " + std::string(command.name)));
  }
  for (const ExitCodeDoc& code : kExitCodeTable) {
    EXPECT_THAT(help, HasSubstr(std::to_string(code.code) + " "));
    EXPECT_THAT(help, HasSubstr(std::string(code.meaning)));
  }
  for (const char* flag : {"--socket PATH", "--json", "--no-progress", "MIRRORD_SOCKET",
                           "./mirrord-state/admin.sock"}) {
    EXPECT_THAT(help, HasSubstr(flag));
  }
  Captured flag;
  EXPECT_EQ(run(flag, {"--help"}), kExitOk);
  EXPECT_EQ(flag.out.str(), help);
}

}  // namespace
}  // namespace mirrord::cli
