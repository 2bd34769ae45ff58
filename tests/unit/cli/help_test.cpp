// `mirrorctl help [COMMAND]`, `COMMAND --help`, "did you mean" for commands and options, and the
// JSON forms of help and version (cli/help.hpp).
#include "cli/help.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/args.hpp"
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

TEST(HelpCommandTest, GivesTheUsageOfEachCommand) {
  for (const Command& command : command_table()) {
    SCOPED_TRACE(std::string(command.name));
    Captured help;
    EXPECT_EQ(run(help, {"help", std::string(command.name)}), kExitOk);
    EXPECT_THAT(help.out.str(), HasSubstr("usage: mirrorctl " + std::string(command.name)));
    EXPECT_THAT(help.out.str(), HasSubstr(std::string(command.summary)));
    Captured flag;
    EXPECT_EQ(run(flag, {std::string(command.name), "--help"}), kExitOk);
    EXPECT_EQ(flag.out.str(), help.out.str());
  }
}

TEST(HelpCommandTest, ListsOnlyTheOptionsACommandTakes) {
  Captured env;
  EXPECT_EQ(run(env, {"help", "env"}), kExitOk);
  EXPECT_THAT(env.out.str(), HasSubstr("--public-url URL"));
  EXPECT_THAT(env.out.str(), HasSubstr("--json"));
  EXPECT_THAT(env.out.str(), Not(HasSubstr("--no-progress")));
  Captured completion;
  EXPECT_EQ(run(completion, {"help", "completion"}), kExitOk);
  EXPECT_THAT(completion.out.str(), Not(HasSubstr("--json")));
  EXPECT_THAT(completion.out.str(), HasSubstr("--socket PATH"));
}

TEST(HelpCommandTest, TheGeneralHelpListsEveryOption) {
  Captured captured;
  EXPECT_EQ(run(captured, {"help"}), kExitOk);
  for (const OptionDoc& doc : option_docs()) {
    EXPECT_THAT(captured.out.str(), HasSubstr(std::string(doc.name)));
  }
}

// The parser's list (for "did you mean") and the documented options are the same set.
TEST(HelpCommandTest, EveryDocumentedOptionIsKnownToTheParser) {
  std::vector<std::string_view> known(std::begin(kKnownOptions), std::end(kKnownOptions));
  for (const OptionDoc& doc : option_docs()) {
    EXPECT_THAT(known, ::testing::Contains(doc.name));
    EXPECT_EQ(
        parse_arguments({"ls", std::string(doc.name) + (doc.metavar.empty() ? "" : "=x")}).error,
        "");
  }
  EXPECT_EQ(known.size(), option_docs().size() + 1);  // and -h
}

TEST(HelpCommandTest, UnknownCommandsSuggestTheClosestOne) {
  Captured typo;
  EXPECT_EQ(run(typo, {"stauts"}), kExitUsage);
  EXPECT_THAT(typo.err.str(), HasSubstr("unknown command 'stauts'; did you mean 'status'?"));
  Captured prefix;
  EXPECT_EQ(run(prefix, {"quar"}), kExitUsage);
  EXPECT_THAT(prefix.err.str(), HasSubstr("did you mean 'quarantine'?"));
  Captured far;
  EXPECT_EQ(run(far, {"frobnicate"}), kExitUsage);
  EXPECT_THAT(far.err.str(), HasSubstr("unknown command 'frobnicate'\n"));
  Captured help;
  EXPECT_EQ(run(help, {"help", "pul"}), kExitUsage);
  EXPECT_THAT(help.err.str(), HasSubstr("did you mean 'pull'?"));
  EXPECT_EQ(help.out.str(), "");
}

TEST(HelpCommandTest, UnknownOptionsSuggestTheClosestOne) {
  Captured captured;
  EXPECT_EQ(run(captured, {"ls", "--jsno"}), kExitUsage);
  EXPECT_THAT(captured.err.str(), HasSubstr("unknown option '--jsno'; did you mean '--json'?"));
  Captured value;
  EXPECT_EQ(run(value, {"env", "qwen", "--public-ulr=http://x"}), kExitUsage);
  EXPECT_THAT(value.err.str(), HasSubstr("did you mean '--public-url'?"));
  Captured nothing_close;
  EXPECT_EQ(run(nothing_close, {"-x"}), kExitUsage);
  EXPECT_THAT(nothing_close.err.str(), Not(HasSubstr("did you mean")));
}

TEST(HelpCommandTest, JsonDescribesTheTableAndTheExitCodes) {
  Captured captured;
  EXPECT_EQ(run(captured, {"help", "--json"}), kExitOk);
  const json help = json::parse(captured.out.str());
  ASSERT_EQ(help["commands"].size(), command_table().size());
  for (std::size_t i = 0; i < command_table().size(); ++i) {
    EXPECT_EQ(help["commands"][i]["name"], command_table()[i].name);
  }
  EXPECT_EQ(help["exit_codes"].size(), kExitCodeTable.size());
  json env;
  for (const json& command : help["commands"]) {
    if (command["name"] == "env") {
      env = command;
    }
  }
  EXPECT_EQ(env["options"], json({"--socket", "--json", "--public-url", "--help"}));
  Captured one;
  EXPECT_EQ(run(one, {"help", "env", "--json"}), kExitOk);
  EXPECT_EQ(json::parse(one.out.str()), env);
}

TEST(VersionJsonTest, ReportsBothVersionsOrWhyTheDaemonIsMissing) {
  FakeAdminServer server([](const FakeRequest&) -> FakeReply {
    return {200, R"({"version": "9.9.9"})"};
  });
  Captured up;
  EXPECT_EQ(run(up, {"version", "--json", "--socket", server.socket_path()}), kExitOk);
  const json answer = json::parse(up.out.str());
  EXPECT_EQ(answer["mirrorctl"], MIRRORD_VERSION);
  EXPECT_EQ(answer["mirrord"], "9.9.9");
  Captured down;
  EXPECT_EQ(run(down, {"version", "--json", "--socket", "/nonexistent/admin.sock"}), kExitOk);
  const json missing = json::parse(down.out.str());
  EXPECT_TRUE(missing["mirrord"].is_null());
  EXPECT_THAT(missing["error"].get<std::string>(), HasSubstr("No such file or directory"));
}

TEST(ParsePublicUrlTest, TakesBothFormsAndRefusesAnEmptyValue) {
  EXPECT_EQ(parse_arguments({"env", "q", "--public-url", "http://m"}).arguments.public_url,
            "http://m");
  EXPECT_EQ(parse_arguments({"env", "q", "--public-url=http://m"}).arguments.public_url,
            "http://m");
  EXPECT_THAT(parse_arguments({"env", "--public-url"}).error,
              HasSubstr("--public-url needs a URL (--public-url URL)"));
  EXPECT_THAT(parse_arguments({"env", "--public-url="}).error, HasSubstr("non-empty URL"));
  Captured captured;
  EXPECT_EQ(run(captured, {"ls", "--public-url", "http://m"}), kExitUsage);
  EXPECT_THAT(captured.err.str(), HasSubstr("ls does not take --public-url"));
}

}  // namespace
}  // namespace mirrord::cli
