// `mirrorctl upstreams` against a fake admin API: the request it sends, the table it prints and
// its exit codes; upstreams_text on its own.
#include "cli/upstreams.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "tests/unit/cli/cli_fixtures.hpp"

namespace mirrord::cli {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;
namespace fake = testing;  // the fake admin server and runner of cli_fixtures.hpp

json answer() {
  return json{{"upstreams", json::array({json{{"base", "http://127.0.0.1:1"},
                                              {"requests", 4},
                                              {"failures", 4},
                                              {"consecutive_failures", 4},
                                              {"last_error", "connection refused"},
                                              {"last_error_at", 1000},
                                              {"last_success_at", 0},
                                              {"latency_ms", nullptr}},
                                         json{{"base", "https://huggingface.co"},
                                              {"requests", 12},
                                              {"failures", 1},
                                              {"consecutive_failures", 0},
                                              {"last_error", ""},
                                              {"last_error_at", 900},
                                              {"last_success_at", 1030},
                                              {"latency_ms", 42.25}}})}};
}

TEST(UpstreamsTextTest, ShowsStateCountsLatencyAndTheLastErrors) {
  const std::string text = upstreams_text(answer(), 1060);
  EXPECT_THAT(text, HasSubstr("UPSTREAM"));
  EXPECT_THAT(text, HasSubstr("LATENCY"));
  EXPECT_THAT(
      text, ::testing::ContainsRegex("http://127.0.0.1:1 +failing +4 +4 +4 +- +never +1m00s ago"));
  EXPECT_THAT(text, ::testing::ContainsRegex(
                        "https://huggingface.co +ok +12 +1 +0 +42.2 ms +30s ago +2m40s ago"));
  EXPECT_THAT(text, HasSubstr("last errors:\n  http://127.0.0.1:1: connection refused\n"));
}

TEST(UpstreamsTextTest, SaysWhenNothingWasContacted) {
  EXPECT_EQ(upstreams_text(json{{"upstreams", json::array()}}, 0),
            "no upstream contacted since mirrord started\n");
}

TEST(UpstreamsCommandTest, IsInTheCommandTableSoHelpAndCompletionOfferIt) {
  const Command* command = find_command("upstreams");
  ASSERT_NE(command, nullptr);
  EXPECT_EQ(command->flags, unsigned{kTakesJson});
  EXPECT_THAT(help_text(), HasSubstr("upstreams [--json]"));
}

TEST(UpstreamsCommandTest, GetsTheUpstreamsAndPrintsJsonOnRequest) {
  fake::FakeAdminServer server([](const fake::FakeRequest&) -> fake::FakeReply {
    return {200, answer().dump()};
  });
  fake::Captured captured;
  EXPECT_EQ(fake::run(captured, {"upstreams", "--json", "--socket", server.socket_path()}),
            kExitOk);
  EXPECT_EQ(server.requests().at(0).method, "GET");
  EXPECT_EQ(server.requests().at(0).target, "/v1/upstreams");
  EXPECT_EQ(json::parse(captured.out.str()), answer());
}

TEST(UpstreamsCommandTest, ReportsAnUnreachableDaemonAndStrayOperands) {
  fake::Captured down;
  EXPECT_EQ(fake::run(down, {"upstreams", "--socket", "/nonexistent/admin.sock"}),
            kExitUnreachable);
  fake::Captured stray;
  EXPECT_EQ(fake::run(stray, {"upstreams", "extra", "--socket", "/nonexistent/admin.sock"}),
            kExitUsage);
  EXPECT_THAT(stray.err.str(), HasSubstr("upstreams takes no operands"));
}

}  // namespace
}  // namespace mirrord::cli
