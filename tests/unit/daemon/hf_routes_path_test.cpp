// Reading request paths (hf_serve_path.cpp): split raw, decode per segment, find the verb.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "daemon/hf/hf_serve_path.hpp"

namespace mirrord::hf {
namespace {

using Tail = std::vector<std::string>;

TEST(HfServePath, ModelResolveHasATwoSegmentReading) {
  const HfPath path = parse_hf_path("/Qwen/X/resolve/main/onnx/model.onnx");
  ASSERT_EQ(path.kind, HfPathKind::kRepoRequest);
  ASSERT_EQ(path.readings.size(), 1u);
  EXPECT_EQ(path.readings[0].endpoint, HfEndpoint::kResolve);
  EXPECT_EQ(path.readings[0].repo, (RepoKey{"model", "Qwen/X"}));
  EXPECT_EQ(path.readings[0].tail, (Tail{"main", "onnx", "model.onnx"}));
}

TEST(HfServePath, LegacyIdHasAOneSegmentReading) {
  const HfPath path = parse_hf_path("/gpt2/resolve/main/config.json");
  ASSERT_EQ(path.readings.size(), 1u);
  EXPECT_EQ(path.readings[0].repo, (RepoKey{"model", "gpt2"}));
  EXPECT_EQ(path.readings[0].tail, (Tail{"main", "config.json"}));
}

TEST(HfServePath, AmbiguousPathListsTheTwoSegmentReadingFirst) {
  const HfPath path = parse_hf_path("/a/resolve/resolve/main/x");
  ASSERT_EQ(path.readings.size(), 2u);
  EXPECT_EQ(path.readings[0].repo.name, "a/resolve");
  EXPECT_EQ(path.readings[0].tail, (Tail{"main", "x"}));
  EXPECT_EQ(path.readings[1].repo.name, "a");
  EXPECT_EQ(path.readings[1].tail, (Tail{"resolve", "main", "x"}));

  const HfPath api = parse_hf_path("/api/models/a/refs");
  ASSERT_EQ(api.readings.size(), 2u);
  EXPECT_EQ(api.readings[0].endpoint, HfEndpoint::kRepoInfo);
  EXPECT_EQ(api.readings[0].repo.name, "a/refs");
  EXPECT_EQ(api.readings[1].endpoint, HfEndpoint::kRefs);
  EXPECT_EQ(api.readings[1].repo.name, "a");
}

TEST(HfServePath, EncodedSlashStaysInsideItsSegment) {
  const HfPath path = parse_hf_path("/Qwen/X/resolve/refs%2Fpr%2F1/a%20b.txt");
  ASSERT_EQ(path.readings.size(), 1u);
  EXPECT_EQ(path.readings[0].tail, (Tail{"refs/pr/1", "a b.txt"}));
}

TEST(HfServePath, RepoTypePrefixesSetTheKind) {
  EXPECT_EQ(parse_hf_path("/datasets/o/d/resolve/main/f").readings.at(0).repo,
            (RepoKey{"dataset", "o/d"}));
  EXPECT_EQ(parse_hf_path("/spaces/o/s/resolve/main/f").readings.at(0).repo.kind, "space");
  EXPECT_EQ(parse_hf_path("/api/datasets/o/d/tree/main").readings.at(0).repo,
            (RepoKey{"dataset", "o/d"}));
  // "models" is not a prefix of file URLs: here it is a namespace.
  EXPECT_EQ(parse_hf_path("/models/x/resolve/main/f").readings.at(0).repo,
            (RepoKey{"model", "models/x"}));
}

TEST(HfServePath, ApiVerbsSelectTheEndpoint) {
  struct Case {
    const char* path;
    HfEndpoint endpoint;
    Tail tail;
  };
  const std::vector<Case> cases = {
      {"/api/models/o/n", HfEndpoint::kRepoInfo, {}},
      {"/api/models/o/n/revision/main", HfEndpoint::kRevisionInfo, {"main"}},
      {"/api/models/o/n/tree/main/sub", HfEndpoint::kTree, {"main", "sub"}},
      {"/api/models/o/n/paths-info/main", HfEndpoint::kPathsInfo, {"main"}},
      {"/api/models/o/n/refs", HfEndpoint::kRefs, {}},
      {"/api/models/o/n/xet-read-token/main", HfEndpoint::kXetToken, {"main"}},
      {"/api/models/o/n/xet-write-token/main", HfEndpoint::kXetToken, {"main"}},
  };
  for (const Case& c : cases) {
    const HfPath path = parse_hf_path(c.path);
    ASSERT_EQ(path.kind, HfPathKind::kRepoRequest) << c.path;
    EXPECT_EQ(path.readings.at(0).endpoint, c.endpoint) << c.path;
    EXPECT_EQ(path.readings.at(0).repo.name, "o/n") << c.path;
    EXPECT_EQ(path.readings.at(0).tail, c.tail) << c.path;
  }
}

TEST(HfServePath, SideCallsAndUnknownApiPaths) {
  EXPECT_EQ(parse_hf_path("/api/agent-harnesses").kind, HfPathKind::kAgentHarnesses);
  EXPECT_EQ(parse_hf_path("/api/telemetry/hf_hub/x").kind, HfPathKind::kTelemetry);
  EXPECT_EQ(parse_hf_path("/api/models/o/n/discussions").kind, HfPathKind::kUnknownApi);
  EXPECT_EQ(parse_hf_path("/api/models").kind, HfPathKind::kUnknownApi);
  EXPECT_EQ(parse_hf_path("/api/models//n").kind, HfPathKind::kUnknownApi);
}

TEST(HfServePath, OtherEcosystemsAreNotOurs) {
  for (const char* raw : {"/", "", "/pypi/simple/torch/", "/metrics", "/o/n", "/o/n.git/info/refs",
                          "/api/v1/x", "/o/n/resolve/main", "/datasets/o/d", "/pypi/%zz"}) {
    EXPECT_EQ(parse_hf_path(raw).kind, HfPathKind::kNotHf) << raw;
  }
}

TEST(HfServePath, UndecodableSegmentsInOurPathsAreMalformed) {
  EXPECT_EQ(parse_hf_path("/o/n/resolve/main/%zz").kind, HfPathKind::kMalformed);
  EXPECT_EQ(parse_hf_path("/api/models/o/n%00").kind, HfPathKind::kMalformed);
  EXPECT_EQ(parse_hf_path("/datasets/o/%g0/resolve/main/x").kind, HfPathKind::kMalformed);
}

TEST(HfServePath, SafeRepoPaths) {
  for (const char* good :
       {"config.json", "onnx/model.onnx", "a b/c.txt", ".gitattributes", "dir/..hidden"}) {
    EXPECT_TRUE(is_safe_repo_path(good)) << good;
  }
  for (const char* bad :
       {"", "/etc/passwd", "../x", "a/../b", "a/./b", ".", "a//b", "a/", "a\\b", "..\\x"}) {
    EXPECT_FALSE(is_safe_repo_path(bad)) << bad;
  }
  EXPECT_FALSE(is_safe_repo_path(std::string("a\0b", 3)));
}

}  // namespace
}  // namespace mirrord::hf
