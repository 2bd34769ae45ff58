// `mirrorctl pull` against a fake admin API on a Unix socket: what it asks, what it prints while
// it watches the job, and which exit code comes back (cli/pull.hpp).
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <memory>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/exit_codes.hpp"
#include "cli/pull.hpp"
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

PullOptions fast_pull(const std::string& target) {
  PullOptions options;
  options.target = target;
  options.poll_interval = std::chrono::milliseconds(1);
  options.line_interval_seconds = 0;  // a progress line on every poll
  return options;
}

// A daemon whose job runs for `polls` polls and then ends in `final_state`.
FakeAdminServer::Handler job_that_ends(std::string final_state, int polls,
                                       std::shared_ptr<std::atomic<int>> seen) {
  return [=](const FakeRequest& request) -> FakeReply {
    if (request.method == "POST") {
      return {202, json{{"job", job_object("queued", 0, 0)}, {"joined", false}}.dump()};
    }
    const int poll = ++*seen;
    if (poll < polls) {
      return job_reply(job_object("running", 3, 120000));
    }
    return job_reply(job_object(final_state, final_state == "succeeded" ? 8 : 3,
                                final_state == "succeeded" ? 199064 : 120000));
  };
}

TEST(PullTest, SucceededJobExitsZeroAfterPollingUntilFinal) {
  auto polls = std::make_shared<std::atomic<int>>(0);
  FakeAdminServer server(job_that_ends("succeeded", 3, polls));
  AdminClient client(server.socket_path());
  Captured captured;
  EXPECT_EQ(run_pull(client, fast_pull("qwen"), captured.console), kExitOk) << captured.err.str();

  const std::vector<FakeRequest> requests = server.requests();
  ASSERT_EQ(requests.size(), 4u);  // one POST, three polls
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/v1/pulls");
  EXPECT_EQ(json::parse(requests[0].body), (json{{"target", "qwen"}}));
  EXPECT_EQ(requests[1].method, "GET");
  EXPECT_EQ(requests[1].target, "/v1/jobs/7");

  const std::string out = captured.out.str();
  EXPECT_THAT(out, HasSubstr("pulling qwen (hf:model:Qwen/Qwen2.5-0.5B-Instruct@main): job 7"));
  EXPECT_THAT(out, HasSubstr("progress: 3/8 files, 117.2 KiB of 194.4 KiB (60%)"));
  EXPECT_THAT(out, HasSubstr("mirrored hf:model:Qwen/Qwen2.5-0.5B-Instruct@main at commit "
                             "7ae557604adf (8 files, 194.4 KiB)"));
  EXPECT_EQ(captured.err.str(), "");
}

TEST(PullTest, FailedJobPrintsTheJobErrorAndAHintAndExitsOne) {
  auto polls = std::make_shared<std::atomic<int>>(0);
  FakeAdminServer server(job_that_ends("failed", 2, polls));
  AdminClient client(server.socket_path());
  Captured captured;
  EXPECT_EQ(run_pull(client, fast_pull("qwen"), captured.console), kExitFailed);
  EXPECT_THAT(captured.err.str(),
              HasSubstr("error: config.json: digest mismatch (upstream changed the file?)\n"));
  EXPECT_THAT(captured.err.str(), HasSubstr("hint: fix the cause above, then run `mirrorctl pull "
                                            "qwen` again"));
  EXPECT_THAT(captured.out.str(), Not(HasSubstr("mirrored")));
}

TEST(PullTest, InterruptedJobExitsOneAndSaysHowToResume) {
  auto polls = std::make_shared<std::atomic<int>>(0);
  FakeAdminServer server(job_that_ends("interrupted", 1, polls));
  AdminClient client(server.socket_path());
  Captured captured;
  EXPECT_EQ(run_pull(client, fast_pull("qwen"), captured.console), kExitFailed);
  EXPECT_THAT(captured.err.str(), HasSubstr("interrupted inside mirrord"));
  EXPECT_THAT(captured.err.str(), HasSubstr("again to resume"));
}

TEST(PullTest, JsonPrintsOnlyTheFinalJobObject) {
  auto polls = std::make_shared<std::atomic<int>>(0);
  FakeAdminServer server(job_that_ends("succeeded", 2, polls));
  AdminClient client(server.socket_path());
  Captured captured;
  PullOptions options = fast_pull("qwen");
  options.json = true;
  EXPECT_EQ(run_pull(client, options, captured.console), kExitOk);
  const json printed = json::parse(captured.out.str());  // throws (fails) if anything else is there
  EXPECT_EQ(printed, job_object("succeeded", 8, 199064));
}

TEST(PullTest, NoProgressKeepsTheStartAndFinalLinesOnly) {
  auto polls = std::make_shared<std::atomic<int>>(0);
  FakeAdminServer server(job_that_ends("succeeded", 3, polls));
  AdminClient client(server.socket_path());
  Captured captured;
  PullOptions options = fast_pull("qwen");
  options.show_progress = false;
  EXPECT_EQ(run_pull(client, options, captured.console), kExitOk);
  EXPECT_THAT(captured.out.str(), Not(HasSubstr("progress:")));
  EXPECT_THAT(captured.out.str(), HasSubstr("pulling qwen"));
  EXPECT_THAT(captured.out.str(), HasSubstr("mirrored "));
}

TEST(PullTest, TerminalGetsABarRedrawnWithCarriageReturns) {
  auto polls = std::make_shared<std::atomic<int>>(0);
  FakeAdminServer server(job_that_ends("succeeded", 3, polls));
  AdminClient client(server.socket_path());
  Captured captured;
  captured.console.out_is_terminal = true;
  EXPECT_EQ(run_pull(client, fast_pull("qwen"), captured.console), kExitOk);
  EXPECT_THAT(captured.out.str(), HasSubstr("\r[#"));
  EXPECT_THAT(captured.out.str(), HasSubstr("8/8 files"));
  EXPECT_THAT(captured.out.str(), Not(HasSubstr("progress:")));
}

TEST(PullTest, JoiningARunningJobSaysSo) {
  FakeAdminServer server([](const FakeRequest&) -> FakeReply {
    return {202, json{{"job", job_object("succeeded", 8, 199064)}, {"joined", true}}.dump()};
  });
  AdminClient client(server.socket_path());
  Captured captured;
  EXPECT_EQ(run_pull(client, fast_pull("qwen"), captured.console), kExitOk);
  EXPECT_THAT(captured.out.str(), HasSubstr("joined the running job 7"));
  EXPECT_EQ(server.requests().size(), 1u) << "a job that is already final is not polled";
}

TEST(PullTest, UnknownTargetPrintsTheDaemonsErrorAndSuggestionsAndExitsFour) {
  FakeAdminServer server([](const FakeRequest&) -> FakeReply {
    return {404,
            json{{"error", "unknown target 'qwn'"}, {"suggestions", {"qwen", "qwen-7b"}}}.dump()};
  });
  Captured captured;
  EXPECT_EQ(run(captured, {"pull", "qwn", "--socket", server.socket_path()}), kExitUnknownTarget);
  EXPECT_THAT(captured.err.str(), HasSubstr("error: unknown target 'qwn'\n"));
  EXPECT_THAT(captured.err.str(), HasSubstr("did you mean: qwen, qwen-7b?"));
}

TEST(PullTest, SuggestionsAlreadyInTheErrorAreNotRepeated) {
  FakeAdminServer server([](const FakeRequest&) -> FakeReply {
    return {404,
            json{{"error", "unknown target 'qwn'; did you mean: qwen?"}, {"suggestions", {"qwen"}}}
                .dump()};
  });
  Captured captured;
  EXPECT_EQ(run(captured, {"pull", "qwn", "--socket", server.socket_path()}), kExitUnknownTarget);
  const std::string err = captured.err.str();
  EXPECT_EQ(err.find("did you mean"), err.rfind("did you mean")) << err;
}

TEST(PullTest, MalformedTargetIsAUsageError) {
  FakeAdminServer server([](const FakeRequest&) -> FakeReply {
    return {400, json{{"error", "invalid target 'hf:Qwen'"}}.dump()};
  });
  Captured captured;
  EXPECT_EQ(run(captured, {"--socket=" + server.socket_path(), "pull", "hf:Qwen"}), kExitUsage);
  EXPECT_THAT(captured.err.str(), HasSubstr("error: invalid target 'hf:Qwen'"));
}

TEST(PullTest, DaemonErrorWithoutJsonIsReportedWithItsStatus) {
  FakeAdminServer server([](const FakeRequest&) -> FakeReply { return {500, "boom"}; });
  Captured captured;
  EXPECT_EQ(run(captured, {"pull", "qwen", "--socket", server.socket_path()}), kExitFailed);
  EXPECT_THAT(captured.err.str(), HasSubstr("mirrord answered HTTP 500: boom"));
}

TEST(PullTest, JobThatVanishesWhilePolledIsAFailure) {
  FakeAdminServer server([](const FakeRequest& request) -> FakeReply {
    if (request.method == "POST") {
      return {202, json{{"job", job_object("running", 0, 0)}, {"joined", false}}.dump()};
    }
    return {404, json{{"error", "no job 7"}}.dump()};
  });
  AdminClient client(server.socket_path());
  Captured captured;
  EXPECT_EQ(run_pull(client, fast_pull("qwen"), captured.console), kExitFailed);
  EXPECT_THAT(captured.err.str(), HasSubstr("mirrord no longer knows job 7"));
}

TEST(PullTest, CtrlCStopsWatchingAndSaysThePullContinues) {
  auto polls = std::make_shared<std::atomic<int>>(0);
  FakeAdminServer server([polls](const FakeRequest& request) -> FakeReply {
    if (request.method == "POST") {
      return {202, json{{"job", job_object("running", 0, 0)}, {"joined", false}}.dump()};
    }
    if (++*polls == 3) {
      ::kill(::getpid(), SIGINT);  // what the terminal does on Ctrl-C
    }
    return job_reply(job_object("running", 3, 120000));
  });
  AdminClient client(server.socket_path());
  Captured captured;
  EXPECT_EQ(run_pull(client, fast_pull("qwen"), captured.console), kExitInterrupted);
  EXPECT_THAT(captured.err.str(),
              HasSubstr("stopped watching job 7; the pull continues in mirrord"));
  EXPECT_THAT(captured.err.str(), HasSubstr("mirrorctl status"));
  EXPECT_GE(polls->load(), 3);
  EXPECT_LE(polls->load(), 4) << "polling stops soon after Ctrl-C";
}

}  // namespace
}  // namespace mirrord::cli
