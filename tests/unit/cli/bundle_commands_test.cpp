// mirrorctl export and import (cli/bundle_commands.hpp) against a fake admin API: the requests
// they send (absolute paths), what they print, and their exit codes.
#include "cli/bundle_commands.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

#include "cli/exit_codes.hpp"
#include "tests/unit/cli/cli_fixtures.hpp"

namespace mirrord::cli {
namespace {

using testing::Captured;
using testing::FakeAdminServer;
using testing::FakeReply;
using testing::FakeRequest;
using ::testing::HasSubstr;
using testing::run;
using json = nlohmann::json;

FakeAdminServer job_server(const std::string& state, const std::string& error) {
  return FakeAdminServer([state, error](const FakeRequest& request) -> FakeReply {
    if (request.method == "POST") {
      return {202, R"({"job": {"id": 4, "state": "queued"}, "joined": false})"};
    }
    json job = {{"id", 4},
                {"state", state},
                {"files_done", 3},
                {"bytes_done", 2048},
                {"commit", "abc123"},
                {"error", error}};
    return {200, json{{"job", job}}.dump()};
  });
}

TEST(ExportCommandTest, PostsTargetsAndAbsolutePathsThenReportsTheBundle) {
  auto server = job_server("succeeded", "");
  Captured captured;
  const int code = run(captured, {"export", "qwen", "hf:org/x", "--to", "out.tar", "--since",
                                  "/b/old.tar", "--socket", server.socket_path()});
  EXPECT_EQ(code, kExitOk);
  EXPECT_EQ(server.requests().at(0).target, "/v1/exports");
  const json body = json::parse(server.requests().at(0).body);
  EXPECT_EQ(body["targets"], json({"qwen", "hf:org/x"}));
  EXPECT_EQ(body["to"], (std::filesystem::current_path() / "out.tar").string());
  EXPECT_EQ(body["since"], "/b/old.tar");
  EXPECT_EQ(server.requests().at(1).target, "/v1/jobs/4");
  EXPECT_THAT(captured.out.str(), HasSubstr("exported bundle abc123: 3 blobs (2.0 KiB)"));
}

TEST(ExportCommandTest, NeedsTargetsAndTo) {
  auto server = job_server("succeeded", "");
  Captured no_to;
  EXPECT_EQ(run(no_to, {"export", "qwen", "--socket", server.socket_path()}), kExitUsage);
  Captured no_target;
  EXPECT_EQ(run(no_target, {"export", "--to", "/x", "--socket", server.socket_path()}), kExitUsage);
  Captured key;
  EXPECT_EQ(run(key, {"export", "q", "--to", "/x", "--key", "k", "--socket", server.socket_path()}),
            kExitUsage);
  EXPECT_TRUE(server.requests().empty());
}

TEST(ImportCommandTest, ReportsARefusedBundleAsAFailure) {
  auto server = job_server("failed", "bundle refused: blob 00ff: digest mismatch");
  Captured captured;
  const int code =
      run(captured, {"import", "/b/x.tar", "--key", "/k.pem", "--socket", server.socket_path()});
  EXPECT_EQ(code, kExitFailed);
  EXPECT_EQ(json::parse(server.requests().at(0).body),
            json({{"from", "/b/x.tar"}, {"key", "/k.pem"}}));
  EXPECT_THAT(captured.err.str(), HasSubstr("import failed: bundle refused: blob 00ff"));
}

TEST(ImportCommandTest, ReportsWhatWasImported) {
  auto server = job_server("succeeded", "");
  Captured captured;
  EXPECT_EQ(run(captured, {"import", "/b/dir", "--socket", server.socket_path()}), kExitOk);
  EXPECT_THAT(captured.out.str(), HasSubstr("imported bundle abc123: 3 blobs"));
  Captured to;
  EXPECT_EQ(run(to, {"import", "/b/dir", "--to", "/x", "--socket", server.socket_path()}),
            kExitUsage);
}

}  // namespace
}  // namespace mirrord::cli
