// mirrorctl's protection commands (cli/protection_commands.hpp) against a fake admin API: `pin`,
// `unpin` and `changes`, the requests they send and what they print; the pins and changes `show`
// adds.
#include "cli/protection_commands.hpp"

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
using json = nlohmann::json;

const std::string kCommit = "1f0c2ab3d4e5f60718293a4b5c6d7e8f90a1b2c3";

json pin_object(bool ref) {
  return json{
      {"kind", "model"},         {"repo", "org/model"}, {"revision", ref ? "main" : kCommit},
      {"commit", kCommit},       {"ref", ref},          {"reason", "release freeze"},
      {"created_at", 1795897950}};
}

json change_object() {
  return json{{"id", 1},
              {"kind", "git"},
              {"repo", "demo"},
              {"change", "branch rewritten"},
              {"detail", "refs/heads/feature: upstream moved it"},
              {"recorded_at", 1795897950}};
}

TEST(PinCommandTest, PostsTheTargetRevisionAndReason) {
  FakeAdminServer server([](const FakeRequest&) -> FakeReply {
    return {200, json{{"pin", pin_object(true)}}.dump()};
  });
  Captured captured;
  EXPECT_EQ(run(captured, {"pin", "rolling", "main", "--reason", "release freeze", "--socket",
                           server.socket_path()}),
            kExitOk);
  const FakeRequest request = server.requests().at(0);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/v1/pins");
  EXPECT_EQ(json::parse(request.body),
            (json{{"target", "rolling"}, {"revision", "main"}, {"reason", "release freeze"}}));
  EXPECT_THAT(captured.out.str(), HasSubstr("pinned model:org/model main (at 1f0c2ab3d4e5)"));
}

TEST(PinCommandTest, UnpinPostsToRemoveWithoutARevision) {
  FakeAdminServer server([](const FakeRequest&) -> FakeReply {
    return {200, json{{"pin", pin_object(false)}}.dump()};
  });
  Captured captured;
  EXPECT_EQ(run(captured, {"unpin", "rolling", "--socket", server.socket_path()}), kExitOk);
  EXPECT_EQ(server.requests().at(0).target, "/v1/pins/remove");
  EXPECT_EQ(json::parse(server.requests().at(0).body), (json{{"target", "rolling"}}));
  EXPECT_THAT(captured.out.str(), HasSubstr("unpinned model:org/model commit 1f0c2ab3d4e5"));
}

TEST(PinCommandTest, AnUnknownRevisionExitsAsAnUnknownTarget) {
  FakeAdminServer server([](const FakeRequest&) -> FakeReply {
    return {404, json{{"error", "org/model has no ref or published commit 'v9'"}}.dump()};
  });
  Captured captured;
  EXPECT_EQ(run(captured, {"pin", "rolling", "v9", "--socket", server.socket_path()}),
            kExitUnknownTarget);
  EXPECT_THAT(captured.err.str(), HasSubstr("no ref or published commit 'v9'"));
}

TEST(PinCommandTest, ReasonIsRefusedByOtherCommandsAndPinNeedsATarget) {
  Captured reason;
  EXPECT_EQ(run(reason, {"ls", "--reason", "x"}), kExitUsage);
  EXPECT_THAT(reason.err.str(), HasSubstr("ls does not take --reason"));
  Captured bare;
  EXPECT_EQ(run(bare, {"pin"}), kExitUsage);
}

TEST(ChangesCommandTest, ListsChangesOfOneTargetAsATable) {
  FakeAdminServer server([](const FakeRequest&) -> FakeReply {
    return {200, json{{"changes", json::array({change_object()})}}.dump()};
  });
  Captured captured;
  EXPECT_EQ(run(captured, {"changes", "demo", "--socket", server.socket_path()}), kExitOk);
  EXPECT_EQ(server.requests().at(0).target, "/v1/changes?target=demo");
  EXPECT_THAT(captured.out.str(), HasSubstr("git:demo"));
  EXPECT_THAT(captured.out.str(), HasSubstr("branch rewritten"));
  EXPECT_THAT(captured.out.str(), HasSubstr("refs/heads/feature: upstream moved it"));
}

TEST(ChangesCommandTest, SaysWhenNothingWasRecorded) {
  FakeAdminServer server([](const FakeRequest&) -> FakeReply {
    return {200, json{{"changes", json::array()}}.dump()};
  });
  Captured captured;
  EXPECT_EQ(run(captured, {"changes", "--socket", server.socket_path()}), kExitOk);
  EXPECT_EQ(server.requests().at(0).target, "/v1/changes");
  EXPECT_THAT(captured.out.str(), HasSubstr("no upstream change recorded"));
}

TEST(ShowProtectionTest, ListsPinsWithReasonsAndChanges) {
  const json body{{"pins", json::array({pin_object(true)})},
                  {"upstream_changes", json::array({change_object()})}};
  const std::string text = protection_text(body);
  EXPECT_THAT(text, HasSubstr("main (at 1f0c2ab3d4e5): release freeze"));
  EXPECT_THAT(text, HasSubstr("branch rewritten"));
  EXPECT_EQ(protection_text(json::object()), "");
  EXPECT_THAT(protection_text(json{{"pins", json::array()}}), HasSubstr("none recorded"));
}

TEST(ShowProtectionTest, ARepoWithoutAVerdictShowsItsRefs) {
  FakeAdminServer server([](const FakeRequest&) -> FakeReply {
    return {200, json{{"kind", "git"},
                      {"repo", "demo"},
                      {"revision", "refs/heads/main"},
                      {"refs",
                       json::array({json{
                           {"name", "refs/heads/main"}, {"commit", kCommit}, {"updated_at", 1}}})},
                      {"pins", json::array()},
                      {"upstream_changes", json::array()}}
                     .dump()};
  });
  Captured captured;
  EXPECT_EQ(run(captured, {"show", "demo", "--socket", server.socket_path()}), kExitOk);
  EXPECT_THAT(captured.out.str(), HasSubstr("refs/heads/main -> 1f0c2ab3d4e5"));
  EXPECT_THAT(captured.out.str(), HasSubstr("pins: none"));
}

}  // namespace
}  // namespace mirrord::cli
