// `mirrorctl env TARGET` (cli/client_env.hpp) against a fake admin API: the settings for each
// ecosystem, the public URL from the daemon or --public-url, JSON, and the failures.
#include "cli/client_env.hpp"

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
using ::testing::Not;
using testing::run;
using json = nlohmann::json;

constexpr const char* kPublicUrl = "http://mirror.example:8080";

json policy_answer(const std::string& name, const std::string& source, const json& details,
                   const std::string& path) {
  return {{"policy", {{"name", name}, {"source", source}, {source, details}}}, {"path", path}};
}

// A daemon that knows one policy, answering /v1/policy and /v1/status.
FakeAdminServer daemon_with(const json& answer, const std::string& public_url = kPublicUrl) {
  return FakeAdminServer([answer, public_url](const FakeRequest& request) -> FakeReply {
    if (request.target == "/v1/status") {
      return {200, json{{"public_url", public_url}}.dump()};
    }
    if (request.target.starts_with("/v1/policy?target=")) {
      return {200, answer.dump()};
    }
    return {404, R"({"error": "unexpected"})"};
  });
}

std::string env_output(FakeAdminServer& server, const std::vector<std::string>& extra,
                       int expected = kExitOk) {
  Captured captured;
  std::vector<std::string> args{"env", "--socket", server.socket_path()};
  args.insert(args.end(), extra.begin(), extra.end());
  EXPECT_EQ(run(captured, args), expected) << captured.err.str();
  return captured.out.str();
}

const json kQwen = policy_answer(
    "qwen", "hf",
    {{"repo", "Qwen/Qwen2.5-0.5B-Instruct"}, {"repo_type", "model"}, {"revision", "main"}},
    "/Qwen/Qwen2.5-0.5B-Instruct");

TEST(EnvTest, HuggingFaceGetsHfEndpointAndTheDownloadLines) {
  FakeAdminServer server = daemon_with(kQwen);
  const std::string out = env_output(server, {"qwen"});
  EXPECT_EQ(
      out,
      "# qwen: hf policy qwen, served at http://mirror.example:8080/Qwen/Qwen2.5-0.5B-Instruct\n"
      "export HF_ENDPOINT=http://mirror.example:8080\n"
      "# download with the hf CLI (`huggingface-cli download` before huggingface_hub 0.34):\n"
      "#   hf download Qwen/Qwen2.5-0.5B-Instruct\n"
      "# or from Python (huggingface_hub, transformers, ... read HF_ENDPOINT at import):\n"
      "#   python3 -c 'from huggingface_hub import snapshot_download; "
      "print(snapshot_download(\"Qwen/Qwen2.5-0.5B-Instruct\"))'\n"
      "# or clone it with git (the weights through git-lfs):\n"
      "#   git lfs install && git clone "
      "http://mirror.example:8080/Qwen/Qwen2.5-0.5B-Instruct\n");
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].target, "/v1/policy?target=qwen");
  EXPECT_EQ(requests[1].target, "/v1/status");
}

TEST(EnvTest, ADatasetAtARevisionSaysSo) {
  FakeAdminServer server = daemon_with(policy_answer(
      "hf:datasets/org/set@v2", "hf",
      {{"repo", "org/set"}, {"repo_type", "dataset"}, {"revision", "v2"}}, "/datasets/org/set"));
  const std::string out = env_output(server, {"hf:datasets/org/set@v2"});
  EXPECT_THAT(out, HasSubstr("#   hf download --repo-type dataset org/set --revision v2\n"));
  EXPECT_THAT(out,
              HasSubstr("snapshot_download(\"org/set\", repo_type=\"dataset\", revision=\"v2\")"));
  EXPECT_THAT(out, HasSubstr("git clone http://mirror.example:8080/datasets/org/set\n"));
  EXPECT_EQ(server.requests().at(0).target, "/v1/policy?target=hf%3Adatasets%2Forg%2Fset%40v2");
}

TEST(EnvTest, PublicUrlFlagOverridesTheDaemonsAndSkipsStatus) {
  FakeAdminServer server = daemon_with(kQwen, "http://127.0.0.1:8080");
  const std::string out =
      env_output(server, {"qwen", "--public-url", "https://models.example/hub/"});
  EXPECT_THAT(out, HasSubstr("export HF_ENDPOINT=https://models.example/hub\n"));
  EXPECT_THAT(out, Not(HasSubstr("127.0.0.1")));
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(EnvTest, PypiGetsPipAndUvSettings) {
  FakeAdminServer server = daemon_with(
      policy_answer("torch-cu128", "pypi", {{"projects", {"torch"}}, {"root", "torch-cu128"}},
                    "/pypi/torch-cu128/simple/"));
  const std::string url = "http://mirror.example:8080/pypi/torch-cu128/simple/";
  const std::string out = env_output(server, {"torch-cu128"});
  EXPECT_THAT(out, HasSubstr("export PIP_INDEX_URL=" + url +
                             "\n"
                             "export PIP_TRUSTED_HOST=mirror.example\n"
                             "export UV_DEFAULT_INDEX=" +
                             url + "\n"));
  EXPECT_THAT(out, HasSubstr("#   pip install --index-url " + url +
                             " --trusted-host mirror.example torch\n"));
  EXPECT_THAT(out, HasSubstr("#   [global]\n#   index-url = " + url +
                             "\n#   trusted-host = mirror.example\n"));
  EXPECT_THAT(out, HasSubstr("#   [[tool.uv.index]]\n#   name = \"torch-cu128\"\n#   url = \"" +
                             url + "\"\n#   explicit = true\n"));
  EXPECT_THAT(out, HasSubstr("#   torch = { index = \"torch-cu128\" }\n"));
}

TEST(EnvTest, PypiOverHttpsNeedsNoTrustedHost) {
  FakeAdminServer server = daemon_with(
      policy_answer("pypi:requests", "pypi", {{"projects", {"requests"}}, {"root", "pypi"}},
                    "/pypi/pypi/simple/"),
      "https://mirror.example");
  const std::string out = env_output(server, {"pypi:requests"});
  EXPECT_THAT(out, HasSubstr("export PIP_INDEX_URL=https://mirror.example/pypi/pypi/simple/\n"));
  EXPECT_THAT(out, Not(HasSubstr("trusted")));
}

const json kAptDetails = {{"suites", {"bookworm", "bookworm-updates"}},
                          {"components", {"main", "contrib"}},
                          {"keyring", "/usr/share/keyrings/debian-archive-keyring.gpg"},
                          {"mode", "verbatim"}};

TEST(EnvTest, AptVerbatimTrustsThePolicysKeyring) {
  FakeAdminServer server = daemon_with(policy_answer("debian", "apt", kAptDetails, "/apt/debian"));
  const std::string out = env_output(server, {"debian"});
  const std::string signed_by = "signed-by=/usr/share/keyrings/debian-archive-keyring.gpg";
  EXPECT_THAT(out, HasSubstr("# one-line sources (or the deb822 file below, not both), "
                             "/etc/apt/sources.list.d/debian.list:\n"
                             "#   deb [" +
                             signed_by +
                             "] http://mirror.example:8080/apt/debian "
                             "bookworm main contrib\n"
                             "#   deb [" +
                             signed_by +
                             "] http://mirror.example:8080/apt/debian "
                             "bookworm-updates main contrib\n"));
  EXPECT_THAT(out, HasSubstr("#   Types: deb\n#   URIs: http://mirror.example:8080/apt/debian\n"
                             "#   Suites: bookworm bookworm-updates\n#   Components: main contrib\n"
                             "#   Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"));
  EXPECT_THAT(out, Not(HasSubstr("keys export")));
  EXPECT_THAT(out, Not(HasSubstr("\nexport ")));
}

TEST(EnvTest, AptResignAddsTheMirrorKey) {
  json details = kAptDetails;
  details["mode"] = "resign";
  FakeAdminServer server = daemon_with(policy_answer("debian", "apt", details, "/apt/debian"));
  const json setup = json::parse(env_output(server, {"debian", "--json"}));
  EXPECT_EQ(setup["commands"][0]["command"],
            "mirrorctl keys export > /etc/apt/keyrings/mirrord.asc");
  EXPECT_THAT(setup["files"][0]["content"].get<std::string>(),
              HasSubstr("deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg,"
                        "/etc/apt/keyrings/mirrord.asc] http://mirror.example:8080/apt/debian "
                        "bookworm main contrib\n"));
  EXPECT_THAT(setup["files"][1]["content"].get<std::string>(),
              HasSubstr("Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg "
                        "/etc/apt/keyrings/mirrord.asc\n"));
}

TEST(EnvTest, GitGetsTheCloneLine) {
  FakeAdminServer server =
      daemon_with(policy_answer("pytorch", "git", {{"lfs", true}}, "/git/pytorch"));
  const json setup = json::parse(env_output(server, {"pytorch", "--json"}));
  EXPECT_EQ(setup["source"], "git");
  EXPECT_EQ(setup["url"], "http://mirror.example:8080/git/pytorch");
  EXPECT_EQ(setup["env"], json::object());
  EXPECT_EQ(setup["commands"][0]["command"],
            "git lfs install && git clone http://mirror.example:8080/git/pytorch");
  FakeAdminServer no_lfs =
      daemon_with(policy_answer("tools", "git", {{"lfs", false}}, "/git/tools"));
  EXPECT_THAT(env_output(no_lfs, {"tools"}),
              HasSubstr("#   git clone http://mirror.example:8080/git/tools\n"));
}

TEST(EnvTest, JsonCarriesTheSameSettings) {
  FakeAdminServer server = daemon_with(kQwen);
  const json setup = json::parse(env_output(server, {"qwen", "--json"}));
  EXPECT_EQ(setup["target"], "qwen");
  EXPECT_EQ(setup["policy"], "qwen");
  EXPECT_EQ(setup["public_url"], kPublicUrl);
  EXPECT_EQ(setup["env"], json({{"HF_ENDPOINT", kPublicUrl}}));
  EXPECT_EQ(setup["commands"].size(), 3u);
}

TEST(EnvTest, AnUnknownTargetExitsFourWithTheDaemonsSuggestions) {
  FakeAdminServer server([](const FakeRequest&) -> FakeReply {
    return {404,
            R"({"error": "unknown target 'qwn'; did you mean qwen?", "suggestions": ["qwen"]})"};
  });
  Captured captured;
  EXPECT_EQ(run(captured, {"env", "qwn", "--socket", server.socket_path()}), kExitUnknownTarget);
  EXPECT_THAT(captured.err.str(), HasSubstr("did you mean qwen?"));
  EXPECT_EQ(captured.out.str(), "");
}

TEST(EnvTest, FailuresAndUsage) {
  Captured down;
  EXPECT_EQ(run(down, {"env", "qwen", "--socket", "/nonexistent/admin.sock"}), kExitUnreachable);
  Captured no_target;
  EXPECT_EQ(run(no_target, {"env"}), kExitUsage);
  FakeAdminServer no_url = daemon_with(kQwen, "");
  Captured empty;
  EXPECT_EQ(run(empty, {"env", "qwen", "--socket", no_url.socket_path()}), kExitFailed);
  EXPECT_THAT(empty.err.str(), HasSubstr("pass --public-url URL"));
  Captured bad_flag;
  EXPECT_EQ(run(bad_flag,
                {"env", "qwen", "--socket", no_url.socket_path(), "--public-url", "mirror:8080"}),
            kExitUsage);
}

TEST(EnvTest, ValuesThatNeedQuotingAreQuoted) {
  FakeAdminServer server = daemon_with(kQwen);
  const std::string out = env_output(server, {"qwen", "--public-url", "http://m.example/a b"});
  EXPECT_THAT(out, HasSubstr("export HF_ENDPOINT='http://m.example/a b'\n"));
}

}  // namespace
}  // namespace mirrord::cli
