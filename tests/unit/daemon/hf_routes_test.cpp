// HEAD/GET on resolve (hf.md §4, §6) and the routing decisions of make_hf_routes: which requests
// are ours, which repo a path names, revisions, ranges, errors, and hostile paths.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "storage/digest.hpp"
#include "tests/unit/daemon/hf_routes_fixture.hpp"

namespace mirrord::hf_test {
namespace {

constexpr const char* kConfigEtag = "\"e9e9555b7038faff90a6e8143f863595d30c27ad\"";
constexpr const char* kEmptyBlobEtag = "\"e69de29bb2d1d6434b8b29ae775ad8c2e48c5391\"";
const std::string kQ05Resolve = std::string("/") + kQ05 + "/resolve/";

std::string config_bytes() {
  return read_test_file("hf/repos/Qwen/Qwen2.5-0.5B-Instruct/config.json");
}

TEST_F(HfRoutesTest, GetServesTheVerifiedBlobWithShapeAHeaders) {
  const auto response = call("GET", kQ05Resolve + "main/config.json");
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(body_bytes(response), config_bytes());
  EXPECT_EQ(header_or_empty(response, "ETag"), kConfigEtag);
  EXPECT_EQ(header_or_empty(response, "X-Repo-Commit"), kCommit);
  EXPECT_EQ(header_or_empty(response, "Content-Type"), "application/json");
  EXPECT_EQ(header_or_empty(response, "Cache-Control"), "no-cache");
  EXPECT_FALSE(response.headers.get("X-Linked-Etag").has_value());
  expect_no_xet_or_upstream(response, "config.json");
}

TEST_F(HfRoutesTest, LfsFileCarriesLinkedEtagAndSize) {
  const auto response = call("HEAD", kQ05Resolve + kCommit + "/model.safetensors");
  ASSERT_EQ(response.status, 200);
  const std::string sha = "\"f1f5670354ac4c96b0a5b3ca36af9e2f93dc5a91950af746017c3435036e0af2\"";
  EXPECT_EQ(header_or_empty(response, "ETag"), sha);
  EXPECT_EQ(header_or_empty(response, "X-Linked-Etag"), sha);
  EXPECT_EQ(header_or_empty(response, "X-Linked-Size"), "189680");
  EXPECT_EQ(response.head_content_length, 189680u);
  EXPECT_EQ(header_or_empty(response, "Content-Type"), "application/octet-stream");
  EXPECT_EQ(header_or_empty(response, "Cache-Control"), "public, max-age=31536000, immutable");
}

TEST_F(HfRoutesTest, ContentTypeIsGuessedFromTheExtension) {
  EXPECT_EQ(header_or_empty(call("HEAD", kQ05Resolve + "main/README.md"), "Content-Type"),
            "text/plain");
  EXPECT_EQ(header_or_empty(call("HEAD", kQ05Resolve + "main/chat_template.jinja"), "Content-Type"),
            "text/plain");
  EXPECT_EQ(header_or_empty(call("HEAD", kQ05Resolve + "main/LICENSE"), "Content-Type"),
            "application/octet-stream");
}

TEST_F(HfRoutesTest, RangesFollowSection6) {
  const std::string config = config_bytes();
  const auto first = call("GET", kQ05Resolve + "main/config.json", {{"Range", "bytes=0-0"}});
  EXPECT_EQ(first.status, 206);
  EXPECT_EQ(header_or_empty(first, "Content-Range"), "bytes 0-0/785");
  EXPECT_EQ(body_bytes(first), config.substr(0, 1));
  EXPECT_EQ(header_or_empty(first, "ETag"), kConfigEtag);
  EXPECT_EQ(header_or_empty(first, "X-Repo-Commit"), kCommit);

  const auto tail = call("GET", kQ05Resolve + "main/config.json", {{"Range", "bytes=700-"}});
  EXPECT_EQ(tail.status, 206);
  EXPECT_EQ(header_or_empty(tail, "Content-Range"), "bytes 700-784/785");
  EXPECT_EQ(body_bytes(tail), config.substr(700));

  const auto suffix = call("GET", kQ05Resolve + "main/config.json", {{"Range", "bytes=-10"}});
  EXPECT_EQ(suffix.status, 206);
  EXPECT_EQ(body_bytes(suffix), config.substr(775));

  const auto past = call("GET", kQ05Resolve + "main/config.json", {{"Range", "bytes=785-"}});
  EXPECT_EQ(past.status, 416);
  EXPECT_EQ(header_or_empty(past, "Content-Range"), "bytes */785");
  EXPECT_TRUE(body_bytes(past).empty());

  const auto head_range = call("HEAD", kQ05Resolve + "main/config.json", {{"Range", "bytes=0-0"}});
  EXPECT_EQ(head_range.status, 206);
  EXPECT_EQ(head_range.head_content_length, 1u);
}

TEST_F(HfRoutesTest, ZeroLengthFileIsServedAndEveryRangeIs416) {
  const std::string url = "/mirrord-test/tree/resolve/main/empty.txt";
  const auto head = call("HEAD", url);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.head_content_length, 0u);
  EXPECT_EQ(header_or_empty(head, "ETag"), kEmptyBlobEtag);
  const auto get = call("GET", url);
  EXPECT_EQ(get.status, 200);
  EXPECT_TRUE(body_bytes(get).empty());
  const auto probe = call("GET", url, {{"Range", "bytes=0-0"}});
  EXPECT_EQ(probe.status, 416);
  EXPECT_EQ(header_or_empty(probe, "Content-Range"), "bytes */0");
}

TEST_F(HfRoutesTest, HeadRevisionMeansTheDefaultBranch) {
  const auto response = call("GET", kQ05Resolve + "HEAD/config.json");
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(header_or_empty(response, "X-Repo-Commit"), kCommit);
  EXPECT_EQ(body_bytes(response), config_bytes());
}

TEST_F(HfRoutesTest, PullRequestRevisionEncodedOrRaw) {
  for (const std::string rev : {"refs%2Fpr%2F1", "refs/pr/1"}) {
    const auto response = call("GET", "/mirrord-test/tree/resolve/" + rev + "/pr-only.txt");
    ASSERT_EQ(response.status, 200) << rev;
    EXPECT_EQ(header_or_empty(response, "X-Repo-Commit"), kTreePr);
    EXPECT_EQ(body_bytes(response), "only in the pull request\n");
  }
  const auto on_main = call("HEAD", "/mirrord-test/tree/resolve/main/pr-only.txt");
  EXPECT_EQ(on_main.status, 404);
  EXPECT_EQ(header_or_empty(on_main, "X-Error-Code"), "EntryNotFound");
  EXPECT_EQ(header_or_empty(on_main, "X-Repo-Commit"), kTreeMain);
}

TEST_F(HfRoutesTest, EncodedFileNamesAreDecodedOnce) {
  const auto spaced = call("GET", "/mirrord-test/tree/resolve/main/docs/a%20b.md");
  ASSERT_EQ(spaced.status, 200);
  EXPECT_EQ(body_bytes(spaced), "spaced name\n");
  // "%2520" decodes once to "%20", which is not the name of any file.
  EXPECT_EQ(call("HEAD", "/mirrord-test/tree/resolve/main/docs/a%2520b.md").status, 404);
}

TEST_F(HfRoutesTest, ErrorsAreExact) {
  const auto no_repo = call("GET", "/Nope/none/resolve/main/config.json");
  EXPECT_EQ(no_repo.status, 404);
  EXPECT_EQ(header_or_empty(no_repo, "X-Error-Code"), "RepoNotFound");
  EXPECT_FALSE(header_or_empty(no_repo, "X-Error-Message").empty());
  EXPECT_TRUE(nlohmann::json::parse(no_repo.body).contains("error"));
  EXPECT_FALSE(no_repo.headers.get("X-Repo-Commit").has_value());

  const auto no_rev = call("HEAD", kQ05Resolve + "v9/config.json");
  EXPECT_EQ(no_rev.status, 404);
  EXPECT_EQ(header_or_empty(no_rev, "X-Error-Code"), "RevisionNotFound");
  EXPECT_TRUE(no_rev.body.empty());
  const auto no_commit =
      call("HEAD", kQ05Resolve + "0000000000000000000000000000000000000000/config.json");
  EXPECT_EQ(header_or_empty(no_commit, "X-Error-Code"), "RevisionNotFound");

  const auto no_entry = call("GET", kQ05Resolve + "main/vocab.json");
  EXPECT_EQ(no_entry.status, 404);
  EXPECT_EQ(header_or_empty(no_entry, "X-Error-Code"), "EntryNotFound");
  EXPECT_EQ(header_or_empty(no_entry, "X-Repo-Commit"), kCommit);
  EXPECT_EQ(header_or_empty(no_entry, "Content-Type"), "application/json; charset=utf-8");
}

TEST_F(HfRoutesTest, PathTraversalNeverReachesAFile) {
  for (const std::string path :
       {"..%2F..%2Fetc%2Fpasswd", "../../etc/passwd", "%2E%2E/%2E%2E/etc/passwd",
        "onnx/../README.md", "%2Fetc%2Fpasswd", "onnx//sub/notes.txt", "a%5C..%5Cb"}) {
    for (const std::string method : {"GET", "HEAD"}) {
      const auto response = call(method, "/mirrord-test/tree/resolve/main/" + path);
      EXPECT_TRUE(response.status == 400 || response.status == 404)
          << path << " " << response.status;
      EXPECT_FALSE(response.file.has_value()) << path;
      EXPECT_EQ(response.body.find("root:"), std::string::npos);
    }
  }
}

TEST_F(HfRoutesTest, DatasetReposLiveUnderTheDatasetsPrefix) {
  const auto response = call("GET", "/datasets/mirrord-test/ds/resolve/main/data/train.csv");
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(body_bytes(response), "a,b\n1,2\n");
  EXPECT_EQ(header_or_empty(response, "X-Repo-Commit"), kDatasetCommit);
  // The same name as a model is another repo.
  EXPECT_EQ(
      header_or_empty(call("HEAD", "/mirrord-test/ds/resolve/main/data/train.csv"), "X-Error-Code"),
      "RepoNotFound");
  EXPECT_EQ(
      header_or_empty(call("HEAD", std::string("/datasets/") + kQ05 + "/resolve/main/config.json"),
                      "X-Error-Code"),
      "RepoNotFound");
}

TEST_F(HfRoutesTest, LegacyOneSegmentIdsAndTwoSegmentPreference) {
  const auto legacy = call("GET", "/gpt2/resolve/main/config.json");
  ASSERT_EQ(legacy.status, 200);
  EXPECT_EQ(body_bytes(legacy), "{\"model_type\":\"gpt2\"}");
  EXPECT_EQ(header_or_empty(call("HEAD", "/gpt3/resolve/main/config.json"), "X-Error-Code"),
            "RepoNotFound");
  // "/gpt2/resolve/resolve/main/config.json" reads as repo gpt2 at revision "resolve" and as repo
  // gpt2/resolve at main: the two-segment repo wins once it exists.
  const std::string ambiguous = "/gpt2/resolve/resolve/main/config.json";
  EXPECT_EQ(header_or_empty(call("HEAD", ambiguous), "X-Error-Code"), "RevisionNotFound");
  publish({"model", "gpt2/resolve"}, "5555555555555555555555555555555555555555",
          {{"config.json", "{\"two\":true}", false}}, {"main"});
  const auto two = call("GET", ambiguous);
  ASSERT_EQ(two.status, 200);
  EXPECT_EQ(body_bytes(two), "{\"two\":true}");
}

TEST_F(HfRoutesTest, OnlyGetAndHeadMayResolve) {
  const auto response = call("POST", kQ05Resolve + "main/config.json");
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(header_or_empty(response, "Allow"), "GET, HEAD");
  EXPECT_EQ(call("DELETE", kQ05Resolve + "main/config.json").status, 405);
}

TEST_F(HfRoutesTest, RequestsForOthersAreDeclined) {
  for (const std::string target :
       {"/pypi/simple/", "/pypi/simple/resolve/", "/metrics", "/", "/healthz",
        "/Qwen/Qwen2.5-0.5B-Instruct", "/Qwen/Qwen2.5-0.5B-Instruct.git/info/refs?service=x",
        "/api/v1/other", "/Qwen/Qwen2.5-0.5B-Instruct/resolve/main"}) {
    EXPECT_FALSE(try_call("GET", target).has_value()) << target;
  }
  EXPECT_FALSE(try_call("OPTIONS", kQ05Resolve + "main/config.json").has_value());
}

TEST_F(HfRoutesTest, MalformedEscapesInOurPathsAre400) {
  EXPECT_EQ(call("GET", kQ05Resolve + "main/config%zz.json").status, 400);
  EXPECT_EQ(call("GET", kQ05Resolve + "main/config%00.json").status, 400);
  EXPECT_EQ(call("GET", "/api/models/Qwen/Qwen2.5-0.5B-Instruct/tree/%G1").status, 400);
  EXPECT_FALSE(try_call("GET", "/pypi/simple/%zz/").has_value());
}

TEST_F(HfRoutesTest, MissingBlobIs503NotAnUnverifiedAnswer) {
  ASSERT_TRUE(store_->remove(sha256_of(config_bytes())).ok());
  const auto response = call("GET", kQ05Resolve + "main/config.json");
  EXPECT_EQ(response.status, 503);
  EXPECT_FALSE(header_or_empty(response, "Retry-After").empty());
  EXPECT_FALSE(response.headers.get("X-Error-Code").has_value());
  EXPECT_FALSE(response.file.has_value());
}

}  // namespace
}  // namespace mirrord::hf_test
