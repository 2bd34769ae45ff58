// The bash completion script (cli/completion.hpp), printed by the real mirrorctl, sourced in a
// real bash and driven through COMP_WORDS/COMP_CWORD as bash's completion would; policy names
// come from a fake admin API through the real mirrorctl the script runs.
#include "cli/completion.hpp"

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

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
using ::testing::ElementsAre;
using testing::FakeAdminServer;
using testing::FakeReply;
using testing::FakeRequest;
using ::testing::IsEmpty;
using testing::run;
using ::testing::UnorderedElementsAre;
using json = nlohmann::json;
namespace fs = std::filesystem;

// Runs `command` with /bin/sh; returns what it printed on stdout.
std::string shell_output(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    return "popen failed";
  }
  std::string out;
  char buffer[4096];
  while (const std::size_t got = std::fread(buffer, 1, sizeof buffer, pipe)) {
    out.append(buffer, got);
  }
  ::pclose(pipe);
  return out;
}

std::string single_quoted(const std::string& text) {
  std::string out = "'";
  for (const char c : text) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

class BashCompletion : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = (fs::temp_directory_path() / "mirrorctl-completion-XXXXXX").string();
    ASSERT_NE(::mkdtemp(dir.data()), nullptr);
    dir_ = dir;
    script_ = dir_ / "mirrorctl.bash";
    // The script as the shipped binary prints it.
    ASSERT_EQ(std::system((std::string(MIRRORCTL_BIN) + " completion bash > " +
                           single_quoted(script_.string()))
                              .c_str()),
              0);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // COMPREPLY after completing the last of `words` (words[0] is the program).
  std::vector<std::string> complete(std::vector<std::string> words) {
    words.insert(words.begin(), MIRRORCTL_BIN);
    std::string array;
    for (const std::string& word : words) {
      array += " " + single_quoted(word);
    }
    const std::string program = "source " + single_quoted(script_.string()) + "; COMP_WORDS=(" +
                                array + "); COMP_CWORD=" + std::to_string(words.size() - 1) +
                                "; _mirrorctl; printf '%s\\n' \"${COMPREPLY[@]}\"";
    const std::string out =
        shell_output("bash --norc --noprofile -c " + single_quoted(program) + " 2>&1");
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < out.size()) {
      const std::size_t end = out.find('\n', start);
      if (end > start) {
        lines.push_back(out.substr(start, end - start));
      }
      start = end + 1;
    }
    return lines;
  }

  fs::path dir_;
  fs::path script_;
};

TEST_F(BashCompletion, CompletesCommandsFromTheTable) {
  std::vector<std::string> names;
  for (const Command& command : command_table()) {
    names.emplace_back(command.name);
  }
  EXPECT_EQ(complete({""}), names);
  EXPECT_THAT(complete({"st"}), ElementsAre("status"));
  EXPECT_THAT(complete({"--json", "ve"}), UnorderedElementsAre("verify", "version"));
  EXPECT_THAT(complete({"help", "po"}), ElementsAre("policy"));
}

TEST_F(BashCompletion, CompletesEachCommandsOptionsAndSubcommands) {
  EXPECT_THAT(complete({"pull", "--"}),
              UnorderedElementsAre("--socket", "--json", "--no-progress", "--from", "--help"));
  EXPECT_THAT(complete({"env", "qwen", "--p"}), ElementsAre("--public-url"));
  EXPECT_THAT(complete({"completion", "--"}), UnorderedElementsAre("--socket", "--help"));
  EXPECT_THAT(complete({"keys", ""}), ElementsAre("export", "manifest"));
  EXPECT_THAT(complete({"completion", ""}), ElementsAre("bash", "zsh"));
  EXPECT_THAT(complete({"policy", "n"}), ElementsAre("names"));
}

TEST_F(BashCompletion, CompletesFilesForPolicyCheck) {
  std::ofstream(dir_ / "site.toml") << "";
  EXPECT_THAT(complete({"policy", "check", (dir_ / "si").string()}),
              ElementsAre((dir_ / "site.toml").string()));
}

TEST_F(BashCompletion, CompletesBundlePathsAfterTheirOptions) {
  std::ofstream(dir_ / "2026-11.tar") << "";
  const std::string typed = (dir_ / "2026").string();
  const std::string file = (dir_ / "2026-11.tar").string();
  EXPECT_THAT(complete({"export", "qwen", "--to", typed}), ElementsAre(file));
  EXPECT_THAT(complete({"export", "qwen", "--to", "/x.tar", "--since", typed}), ElementsAre(file));
  EXPECT_THAT(complete({"import", typed}), ElementsAre(file));
  EXPECT_THAT(complete({"import", file, "--key", typed}), ElementsAre(file));
  EXPECT_THAT(complete({"export", "qwen", "--"}),
              UnorderedElementsAre("--socket", "--json", "--to", "--since", "--help"));
}

TEST_F(BashCompletion, CompletesTargetsWithTheDaemonsPolicyNames) {
  FakeAdminServer server([](const FakeRequest&) -> FakeReply {
    return {200, json{{"policies",
                       {{{"name", "qwen"}, {"aliases", {"qwen2.5"}}},
                        {{"name", "glm"}, {"aliases", json::array()}}}}}
                     .dump()};
  });
  EXPECT_THAT(complete({"--socket", server.socket_path(), "pull", "q"}),
              ElementsAre("qwen", "qwen2.5"));
  // bash splits "--socket=PATH" at '='.
  EXPECT_THAT(complete({"env", "--socket", "=", server.socket_path(), "g"}), ElementsAre("glm"));
  ASSERT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(server.requests()[0].target, "/v1/policies");
  // Only the first operand is a TARGET.
  EXPECT_THAT(complete({"--socket", server.socket_path(), "pull", "qwen", "q"}), IsEmpty());
}

TEST_F(BashCompletion, ADaemonThatIsDownOffersNothingAndPrintsNothing) {
  EXPECT_THAT(complete({"--socket", "/nonexistent/admin.sock", "show", "q"}), IsEmpty());
}

// zsh runs the bash function through bashcompinit, whose _bash_complete calls it under
// `emulate -L sh` with these options (and filters COMPREPLY itself); the test does the same.
TEST(ZshCompletion, TheBashFunctionWorksUnderBashcompinit) {
  if (std::system("command -v zsh > /dev/null") != 0) {
    GTEST_SKIP() << "zsh is not installed (scripts/install-deps.sh test installs it)";
  }
  FakeAdminServer server([](const FakeRequest&) -> FakeReply {
    return {200, json{{"policies", {{{"name", "qwen"}, {"aliases", {"qwen2.5"}}}}}}.dump()};
  });
  const std::string program =
      "autoload -U compinit && compinit -u -D; source <(" + std::string(MIRRORCTL_BIN) +
      " completion zsh); complete_words() { emulate -L sh; setopt kshglob noshglob braceexpand; "
      "local -a COMP_WORDS COMPREPLY; local COMP_CWORD; COMP_WORDS=(\"$@\"); "
      "COMP_CWORD=$(( $# - 1 )); _mirrorctl; printf '%s\\n' \"${COMPREPLY[@]}\"; }; "
      "complete_words mirrorctl keys ''; complete_words " +
      std::string(MIRRORCTL_BIN) + " --socket " + server.socket_path() + " pull q";
  const std::string out = shell_output("zsh -f -c " + single_quoted(program) + " 2>&1");
  EXPECT_EQ(out, "export\nmanifest\nqwen\nqwen2.5\n");
}

TEST(CompletionCommandTest, PrintsScriptsForBashAndZsh) {
  Captured bash;
  EXPECT_EQ(run(bash, {"completion", "bash"}), kExitOk);
  EXPECT_EQ(bash.out.str(), bash_completion_script());
  Captured zsh;
  EXPECT_EQ(run(zsh, {"completion", "zsh"}), kExitOk);
  EXPECT_EQ(zsh.out.str(), zsh_completion_script());
  EXPECT_THAT(zsh.out.str(), ::testing::HasSubstr("bashcompinit"));
  Captured fish;
  EXPECT_EQ(run(fish, {"completion", "fish"}), kExitUsage);
  EXPECT_THAT(fish.err.str(), ::testing::HasSubstr("bash or zsh"));
}

}  // namespace
}  // namespace mirrord::cli
