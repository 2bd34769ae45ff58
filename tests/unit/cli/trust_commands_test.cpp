// mirrorctl's trust commands (cli/trust_commands.hpp) against a fake admin API: the requests they
// send, what they print, and their exit codes.
#include "cli/trust_commands.hpp"

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

json verdict() {
  return json{
      {"decision", "published"},
      {"signature", {{"status", "verified"}, {"method", "key"}, {"detail", "signed by x"}}},
      {"license", {{"ids", {"apache-2.0"}}, {"source", "repo metadata"}, {"allowed", true}}},
      {"remote_code", {"modeling_x.py"}},
      {"policy",
       {{"pickles", "scan"},
        {"remote_code", "refuse"},
        {"signature", "if-present"},
        {"on_refusal", "publish-rest"}}},
      {"counts", {{"admitted", 1}, {"refused", 2}, {"released", 0}, {"withheld", 0}}},
      {"files",
       {{{"path", "model.safetensors"},
         {"size", 2048},
         {"status", "admitted"},
         {"format", "safetensors"},
         {"detail", "2 tensors"},
         {"signature", "verified"}},
        {{"path", "pytorch_model.bin"},
         {"size", 165},
         {"status", "refused"},
         {"format", "torch-zip"},
         {"reason", "pickle imports posix.system"}},
        {{"path", "modeling_x.py"},
         {"size", 10},
         {"status", "refused"},
         {"format", "remote-code"},
         {"reason", "code that clients execute"}}}}};
}

json show_answer() {
  return json{
      {"kind", "model"},      {"repo", "org/model"},
      {"revision", "main"},   {"commit", "7ae557604adf67be50417f59c2c2f167def9a775"},
      {"files", 1},           {"bytes", 2048},
      {"verdict", verdict()}, {"manifest", {{"signed", true}, {"key_id", "abcdef0123456789ffff"}}}};
}

TEST(ShowTest, PrintsTheVerdictFileByFile) {
  FakeAdminServer server([](const FakeRequest&) -> FakeReply {
    return {200, show_answer().dump()};
  });
  Captured captured;
  EXPECT_EQ(run(captured, {"show", "my model", "--socket", server.socket_path()}), kExitOk);
  EXPECT_EQ(server.requests().at(0).target, "/v1/show?target=my%20model");
  const std::string out = captured.out.str();
  EXPECT_THAT(out, HasSubstr("model org/model @ main (commit 7ae557604adf)"));
  EXPECT_THAT(out, HasSubstr("signed by the mirror (key abcdef0123456789)"));
  EXPECT_THAT(out, HasSubstr("signature    verified (key): signed by x"));
  EXPECT_THAT(out, HasSubstr("licence      apache-2.0 (repo metadata)"));
  EXPECT_THAT(out, HasSubstr("remote code  modeling_x.py"));
  EXPECT_THAT(out, HasSubstr("1 admitted, 2 refused, 0 released, 0 withheld"));
  EXPECT_THAT(out, HasSubstr("refused   torch-zip"));
  EXPECT_THAT(out, HasSubstr("pickle imports posix.system"));
  EXPECT_THAT(out, HasSubstr("[signature: verified] 2 tensors"));
}

TEST(ShowTest, UnknownRepoExitsFourAndJsonPrintsTheObject) {
  FakeAdminServer missing([](const FakeRequest&) -> FakeReply {
    return {404, R"({"error": "org/x@main is not mirrored; pull it first"})"};
  });
  Captured captured;
  EXPECT_EQ(run(captured, {"show", "org/x", "--socket", missing.socket_path()}),
            kExitUnknownTarget);
  EXPECT_THAT(captured.err.str(), HasSubstr("not mirrored"));
  FakeAdminServer found([](const FakeRequest&) -> FakeReply {
    return {200, show_answer().dump()};
  });
  Captured json_out;
  EXPECT_EQ(run(json_out, {"show", "org/model", "--json", "--socket", found.socket_path()}),
            kExitOk);
  EXPECT_EQ(json::parse(json_out.out.str()), show_answer());
  Captured usage;
  EXPECT_EQ(run(usage, {"show", "--socket", found.socket_path()}), kExitUsage);
}

TEST(QuarantineTest, ListsHeldFilesAndAllOnRequest) {
  FakeAdminServer server([](const FakeRequest& request) -> FakeReply {
    const bool all = request.target == "/v1/quarantine?all=1";
    json entries = json::array({{{"id", 3},
                                 {"repo", "org/model"},
                                 {"commit", "7ae557604adf67be50417f59c2c2f167def9a775"},
                                 {"path", "pytorch_model.bin"},
                                 {"size", 165},
                                 {"reason", "pickle imports posix.system"},
                                 {"released_at", 0}}});
    if (all) {
      entries.push_back({{"id", 2},
                         {"repo", "org/model"},
                         {"commit", "aa"},
                         {"path", "x.py"},
                         {"size", 1},
                         {"reason", "code"},
                         {"released_at", 1795897950},
                         {"release_reason", "reviewed"}});
    }
    return {200, json{{"quarantine", entries}}.dump()};
  });
  Captured held;
  EXPECT_EQ(run(held, {"quarantine", "ls", "--socket", server.socket_path()}), kExitOk);
  EXPECT_THAT(held.out.str(), HasSubstr("pytorch_model.bin"));
  EXPECT_THAT(held.out.str(), HasSubstr("pickle imports posix.system"));
  Captured all;
  EXPECT_EQ(run(all, {"quarantine", "ls", "all", "--socket", server.socket_path()}), kExitOk);
  EXPECT_THAT(all.out.str(), HasSubstr("released: reviewed"));
  EXPECT_EQ(server.requests().back().target, "/v1/quarantine?all=1");
  Captured bad;
  EXPECT_EQ(run(bad, {"quarantine", "ls", "everything", "--socket", server.socket_path()}),
            kExitUsage);
}

TEST(QuarantineTest, ReleaseSendsTheReasonAndNeedsOne) {
  FakeAdminServer server([](const FakeRequest& request) -> FakeReply {
    if (json::parse(request.body).value("reason", "") != "reviewed by ops") {
      return {400, R"({"error": "wrong reason"})"};
    }
    return {
        200,
        json{{"entry", {{"id", 3}, {"repo", "org/model"}, {"path", "pytorch_model.bin"}}}}.dump()};
  });
  Captured released;
  EXPECT_EQ(run(released, {"quarantine", "release", "3", "reviewed", "by", "ops", "--socket",
                           server.socket_path()}),
            kExitOk);
  EXPECT_EQ(server.requests().at(0).method, "POST");
  EXPECT_EQ(server.requests().at(0).target, "/v1/quarantine/3/release");
  EXPECT_THAT(released.out.str(), HasSubstr("released pytorch_model.bin of org/model"));
  Captured no_reason;
  EXPECT_EQ(run(no_reason, {"quarantine", "release", "3", "--socket", server.socket_path()}),
            kExitUsage);
  EXPECT_EQ(server.requests().size(), 1u);  // nothing was sent
}

TEST(VerifyTest, WaitsForTheScrubJobAndReportsItsOutcome) {
  for (const bool damaged : {false, true}) {
    SCOPED_TRACE(damaged);
    FakeAdminServer server([damaged](const FakeRequest& request) -> FakeReply {
      if (request.method == "POST") {
        return {202, R"({"job": {"id": 9, "state": "queued"}, "joined": false})"};
      }
      json job = {{"id", 9},
                  {"state", damaged ? "failed" : "succeeded"},
                  {"files_done", 14},
                  {"bytes_done", 4096},
                  {"error", damaged ? "1 problem(s) found:\n  blob x is missing" : ""}};
      return {200, json{{"job", job}}.dump()};
    });
    Captured captured;
    const int code = run(captured, {"verify", "qwen", "--socket", server.socket_path()});
    EXPECT_EQ(json::parse(server.requests().at(0).body), json({{"target", "qwen"}}));
    EXPECT_EQ(server.requests().at(1).target, "/v1/jobs/9");
    if (damaged) {
      EXPECT_EQ(code, kExitFailed);
      EXPECT_THAT(captured.err.str(), HasSubstr("blob x is missing"));
    } else {
      EXPECT_EQ(code, kExitOk);
      EXPECT_THAT(captured.out.str(), HasSubstr("verified 14 files (4.0 KiB re-hashed)"));
    }
  }
}

TEST(KeysTest, ManifestPrintsThePemAndExportStillReachesTheAptKey) {
  FakeAdminServer server([](const FakeRequest& request) -> FakeReply {
    if (request.target == "/v1/keys/manifest") {
      return {200, json{{"key_id", "ab"}, {"public_key", "-----BEGIN PUBLIC KEY-----\n"}}.dump()};
    }
    return {200, json{{"fingerprint", "F00"}, {"public_key", "-----BEGIN PGP PUBLIC KEY"}}.dump()};
  });
  Captured manifest;
  EXPECT_EQ(run(manifest, {"keys", "manifest", "--socket", server.socket_path()}), kExitOk);
  EXPECT_EQ(manifest.out.str(), "-----BEGIN PUBLIC KEY-----\n");
  Captured apt;
  EXPECT_EQ(run(apt, {"keys", "export", "--socket", server.socket_path()}), kExitOk);
  EXPECT_EQ(server.requests().back().target, "/v1/keys/apt");
}

}  // namespace
}  // namespace mirrord::cli
