// mirrorctl's operations commands (cli/operations.hpp) against a fake admin API: `sync` and `gc`,
// the requests they send, what they print and their exit codes; the schedules in `status`.
#include "cli/operations.hpp"

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
using testing::job_object;
using testing::job_reply;
using ::testing::Not;
using testing::run;
using json = nlohmann::json;

json gc_answer(bool dry_run) {
  return json{
      {"dry_run", dry_run},
      {"blob_count", 2},
      {"bytes", 3 * 1024 * 1024},
      {"grace_period_s", 3600},
      {"blobs", json::array({json{{"sha256", std::string(64, 'a')}, {"size", 1}}})},
      {"unpublished", json::array({json{{"kind", "model"},
                                        {"repo", "org/model"},
                                        {"commit", "1f0c2ab3d4e5f60718293a4b5c6d7e8f90a1b2c3"}}})},
      {"errors", json::array()}};
}

TEST(GcCommandTest, PostsDryRunAndSaysNothingWasRemoved) {
  FakeAdminServer server([](const FakeRequest&) -> FakeReply {
    return {200, gc_answer(true).dump()};
  });
  Captured captured;
  EXPECT_EQ(run(captured, {"gc", "--dry-run", "--socket", server.socket_path()}), kExitOk);
  const FakeRequest request = server.requests().at(0);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/v1/gc");
  EXPECT_EQ(json::parse(request.body), (json{{"dry_run", true}}));
  EXPECT_THAT(captured.out.str(), HasSubstr("would unpublish model org/model @ 1f0c2ab3d4e5"));
  EXPECT_THAT(captured.out.str(),
              HasSubstr("would free 2 blobs, 3.0 MiB (3145728 bytes); nothing was removed"));
}

TEST(GcCommandTest, ReportsWhatWasFreed) {
  FakeAdminServer server([](const FakeRequest&) -> FakeReply {
    return {200, gc_answer(false).dump()};
  });
  Captured captured;
  EXPECT_EQ(run(captured, {"gc", "--socket", server.socket_path()}), kExitOk);
  EXPECT_EQ(json::parse(server.requests().at(0).body), (json{{"dry_run", false}}));
  EXPECT_THAT(captured.out.str(), HasSubstr("freed 2 blobs, 3.0 MiB"));
  EXPECT_THAT(captured.out.str(), Not(HasSubstr("nothing was removed")));
}

TEST(GcCommandTest, JsonPrintsTheAnswerAndRemovalErrorsFail) {
  json answer = gc_answer(false);
  answer["errors"] = json::array({"abc: permission denied"});
  FakeAdminServer server([&](const FakeRequest&) -> FakeReply { return {200, answer.dump()}; });
  Captured captured;
  EXPECT_EQ(run(captured, {"gc", "--json", "--socket", server.socket_path()}), kExitFailed);
  EXPECT_EQ(json::parse(captured.out.str())["blob_count"], 2);
}

TEST(GcCommandTest, DryRunIsRefusedByOtherCommands) {
  Captured captured;
  EXPECT_EQ(run(captured, {"ls", "--dry-run"}), kExitUsage);
  EXPECT_THAT(captured.err.str(), HasSubstr("ls does not take --dry-run"));
}

TEST(SyncCommandTest, OneTargetIsWatchedLikeAPull) {
  FakeAdminServer server([](const FakeRequest& request) -> FakeReply {
    if (request.target == "/v1/syncs") {
      return {202, json{{"job", job_object("running", 1, 10)}, {"joined", false}}.dump()};
    }
    return job_reply(job_object("succeeded", 8, 199064));
  });
  Captured captured;
  EXPECT_EQ(run(captured, {"sync", "qwen", "--socket", server.socket_path()}), kExitOk);
  EXPECT_EQ(json::parse(server.requests().at(0).body), (json{{"target", "qwen"}}));
  EXPECT_EQ(server.requests().at(1).target, "/v1/jobs/7");
  EXPECT_THAT(captured.out.str(), HasSubstr("mirrored hf:model:Qwen/Qwen2.5-0.5B-Instruct@main"));
}

TEST(SyncCommandTest, EveryScheduledTargetFailsWhenOneFails) {
  FakeAdminServer server([](const FakeRequest& request) -> FakeReply {
    if (request.target == "/v1/syncs") {
      json second = job_object("running", 0, 0);
      second["id"] = 8;
      return {202, json{{"jobs",
                         json::array({json{{"job", job_object("running", 0, 0)}, {"joined", false}},
                                      json{{"job", second}, {"joined", true}}})}}
                       .dump()};
    }
    if (request.target == "/v1/jobs/8") {
      json failed = job_object("failed", 0, 0);
      failed["id"] = 8;
      return job_reply(failed);
    }
    return job_reply(job_object("succeeded", 8, 199064));
  });
  Captured captured;
  EXPECT_EQ(run(captured, {"sync", "--socket", server.socket_path()}), kExitFailed);
  EXPECT_EQ(json::parse(server.requests().at(0).body), json::object());
  EXPECT_THAT(captured.out.str(), HasSubstr("joined the running job 8"));
  EXPECT_THAT(captured.err.str(), HasSubstr("digest mismatch"));
}

TEST(SyncCommandTest, NothingScheduledIsSaidAndSucceeds) {
  FakeAdminServer server([](const FakeRequest&) -> FakeReply {
    return {202, json{{"jobs", json::array()}}.dump()};
  });
  Captured captured;
  EXPECT_EQ(run(captured, {"sync", "--socket", server.socket_path()}), kExitOk);
  EXPECT_THAT(captured.out.str(), HasSubstr("no scheduled targets"));
}

TEST(SyncCommandTest, UnknownTargetExitsWithItsCode) {
  FakeAdminServer server([](const FakeRequest&) -> FakeReply {
    return {404, json{{"error", "no policy 'qwn'"}, {"suggestions", {"qwen"}}}.dump()};
  });
  Captured captured;
  EXPECT_EQ(run(captured, {"sync", "qwn", "--socket", server.socket_path()}), kExitUnknownTarget);
  EXPECT_THAT(captured.err.str(), HasSubstr("did you mean: qwen?"));
}

TEST(SchedulesTextTest, ShowsLastAndNextRunInUtc) {
  const std::string text = schedules_text(json::array(
      {json{
           {"target", "qwen"}, {"schedule", "6h"}, {"last_run_at", 0}, {"next_run_at", 1800000000}},
       json{{"target", "apt"},
            {"schedule", "daily"},
            {"last_run_at", 1800000000},
            {"next_run_at", 1800057600}}}));
  EXPECT_THAT(text, HasSubstr("LAST RUN (UTC)"));
  EXPECT_THAT(text, HasSubstr("never"));
  EXPECT_THAT(text, HasSubstr("2027-01-15 08:00"));
  EXPECT_THAT(text, HasSubstr("2027-01-16 00:00"));
  EXPECT_EQ(schedules_text(json::array()), "");
}

}  // namespace
}  // namespace mirrord::cli
