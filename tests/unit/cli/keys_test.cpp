// `mirrorctl keys export` (cli/keys.hpp) against a fake admin API.
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
using testing::run;

constexpr const char* kKey =
    "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZ\n-----END PGP PUBLIC KEY BLOCK-----\n";

FakeReply key_reply(const FakeRequest& request) {
  if (request.method != "GET" || request.target != "/v1/keys/apt") {
    return {404, R"({"error":"no such admin endpoint"})"};
  }
  return {200, nlohmann::json{{"fingerprint", std::string(40, 'A')}, {"public_key", kKey}}.dump()};
}

TEST(KeysCommandTest, ExportPrintsTheArmoredKeyOnly) {
  FakeAdminServer server(key_reply);
  Captured captured;
  EXPECT_EQ(run(captured, {"keys", "export", "--socket", server.socket_path()}), kExitOk);
  EXPECT_EQ(captured.out.str(), kKey);
  EXPECT_EQ(captured.err.str(), "");
}

TEST(KeysCommandTest, JsonPrintsTheAdminObject) {
  FakeAdminServer server(key_reply);
  Captured captured;
  EXPECT_EQ(run(captured, {"keys", "export", "--json", "--socket", server.socket_path()}), kExitOk);
  const auto body = nlohmann::json::parse(captured.out.str());
  EXPECT_EQ(body["fingerprint"], std::string(40, 'A'));
  EXPECT_EQ(body["public_key"], kKey);
}

TEST(KeysCommandTest, DaemonErrorsExitOne) {
  FakeAdminServer server([](const FakeRequest&) {
    return FakeReply{500, R"({"error":"mirror key: gpg could not create the mirror key"})"};
  });
  Captured captured;
  EXPECT_EQ(run(captured, {"keys", "export", "--socket", server.socket_path()}), kExitFailed);
  EXPECT_THAT(captured.err.str(), HasSubstr("gpg could not create the mirror key"));
  EXPECT_EQ(captured.out.str(), "");
}

TEST(KeysCommandTest, UsageErrorsExitTwo) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"keys"},
                                             {"keys", "import"},
                                             {"keys", "export", "extra"},
                                             {"keys", "export", "--no-progress"}}) {
    Captured captured;
    EXPECT_EQ(run(captured, args), kExitUsage) << ::testing::PrintToString(args);
    EXPECT_EQ(captured.out.str(), "");
  }
}

TEST(KeysCommandTest, UnreachableDaemonExitsThree) {
  Captured captured;
  EXPECT_EQ(run(captured, {"keys", "export", "--socket", "/nonexistent-dir/admin.sock"}),
            kExitUnreachable);
}

}  // namespace
}  // namespace mirrord::cli
