// Argument parsing and socket resolution (cli/args.hpp).
#include "cli/args.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mirrord::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ParseArgumentsTest, CommandOperandsAndFlagsInAnyOrder) {
  const ParsedArguments before = parse_arguments({"--json", "--socket", "/s", "pull", "qwen"});
  const ParsedArguments after = parse_arguments({"pull", "qwen", "--no-progress", "--socket=/t"});
  ASSERT_EQ(before.error, "");
  ASSERT_EQ(after.error, "");
  EXPECT_EQ(before.arguments.command, "pull");
  EXPECT_THAT(before.arguments.operands, ElementsAre("qwen"));
  EXPECT_TRUE(before.arguments.json);
  EXPECT_FALSE(before.arguments.no_progress);
  EXPECT_EQ(before.arguments.socket, "/s");
  EXPECT_EQ(after.arguments.command, "pull");
  EXPECT_THAT(after.arguments.operands, ElementsAre("qwen"));
  EXPECT_TRUE(after.arguments.no_progress);
  EXPECT_EQ(after.arguments.socket, "/t");
}

TEST(ParseArgumentsTest, NothingGivenMeansNoCommand) {
  const ParsedArguments parsed = parse_arguments({});
  EXPECT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.arguments.command, "");
  EXPECT_FALSE(parsed.arguments.socket.has_value());
}

TEST(ParseArgumentsTest, HelpFlagsAreRecognised) {
  EXPECT_TRUE(parse_arguments({"-h"}).arguments.help);
  EXPECT_TRUE(parse_arguments({"pull", "--help"}).arguments.help);
}

TEST(ParseArgumentsTest, DoubleDashEndsFlags) {
  const ParsedArguments parsed = parse_arguments({"pull", "--", "--json"});
  ASSERT_EQ(parsed.error, "");
  EXPECT_FALSE(parsed.arguments.json);
  EXPECT_THAT(parsed.arguments.operands, ElementsAre("--json"));
}

TEST(ParseArgumentsTest, UnknownOptionsAreUsageErrors) {
  EXPECT_THAT(parse_arguments({"ls", "--jsn"}).error, HasSubstr("unknown option '--jsn'"));
  EXPECT_THAT(parse_arguments({"-x"}).error, HasSubstr("unknown option '-x'"));
  EXPECT_THAT(parse_arguments({"--json=yes"}).error, HasSubstr("unknown option"));
}

TEST(ParseArgumentsTest, SocketNeedsANonEmptyPath) {
  EXPECT_THAT(parse_arguments({"ls", "--socket"}).error, HasSubstr("--socket needs a path"));
  EXPECT_THAT(parse_arguments({"ls", "--socket="}).error, HasSubstr("non-empty"));
  EXPECT_THAT(parse_arguments({"--socket", "", "ls"}).error, HasSubstr("non-empty"));
}

TEST(ParseArgumentsTest, ASingleDashIsAnOperand) {
  const ParsedArguments parsed = parse_arguments({"pull", "-"});
  EXPECT_EQ(parsed.error, "");
  EXPECT_THAT(parsed.arguments.operands, ElementsAre("-"));
}

TEST(ResolveSocketPathTest, FlagThenEnvironmentThenDefault) {
  EXPECT_EQ(resolve_socket_path(std::string("/flag.sock"), "/env.sock"), "/flag.sock");
  EXPECT_EQ(resolve_socket_path(std::nullopt, "/env.sock"), "/env.sock");
  EXPECT_EQ(resolve_socket_path(std::nullopt, ""), std::string(kDefaultAdminSocket));
  EXPECT_EQ(resolve_socket_path(std::nullopt, nullptr), "./mirrord-state/admin.sock");
}

}  // namespace
}  // namespace mirrord::cli
