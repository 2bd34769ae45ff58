// E2 tree listings (hf.md §3.2): recursive and direct listings with synthesized directories,
// sub-paths given raw or %2F-encoded, raw multi-segment revisions, EntryNotFound, and paging with
// an absolute Link built from the configured public URL.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/unit/daemon/hf_routes_fixture.hpp"

namespace mirrord::hf_test {
namespace {

constexpr const char* kTreeApi = "/api/models/mirrord-test/tree/tree/";

// Computed with git from the same files (LFS file as its pointer): `git write-tree`, then
// `git rev-parse <tree>:onnx` and so on.
constexpr const char* kOnnxTreeId = "4bc1b58b511b95b33bc436114e4dcdf232f8dc01";
constexpr const char* kOnnxSubTreeId = "02241fb55cec45053550d2f3b8a13d1391a9177f";
constexpr const char* kDocsTreeId = "5a547bc362e936f5f2dfb8497c097a8dcd7808a9";

std::vector<std::string> paths_of(const nlohmann::json& entries) {
  std::vector<std::string> paths;
  for (const auto& entry : entries) {
    paths.push_back(entry["path"]);
  }
  return paths;
}

nlohmann::json parse_array(const http::Response& response) {
  nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  EXPECT_TRUE(body.is_array()) << response.body;
  return body;
}

const nlohmann::json* find_entry(const nlohmann::json& entries, const std::string& path) {
  for (const auto& entry : entries) {
    if (entry["path"] == path) {
      return &entry;
    }
  }
  return nullptr;
}

TEST_F(HfRoutesTest, RecursiveTreeListsFilesAndSynthesizedDirectories) {
  const auto response = call("GET", std::string(kTreeApi) + "main?recursive=true&expand=false");
  ASSERT_EQ(response.status, 200);
  const nlohmann::json entries = parse_array(response);
  EXPECT_EQ(paths_of(entries),
            (std::vector<std::string>{"README.md", "docs", "docs/a b.md", "empty.txt", "onnx",
                                      "onnx.json", "onnx/model.onnx", "onnx/sub",
                                      "onnx/sub/notes.txt", "onnx/sub/weights.bin"}));
  const nlohmann::json* onnx = find_entry(entries, "onnx");
  ASSERT_NE(onnx, nullptr);
  EXPECT_EQ(
      *onnx,
      (nlohmann::json{{"type", "directory"}, {"oid", kOnnxTreeId}, {"size", 0}, {"path", "onnx"}}));
  EXPECT_EQ((*find_entry(entries, "onnx/sub"))["oid"], kOnnxSubTreeId);
  EXPECT_EQ((*find_entry(entries, "docs"))["oid"], kDocsTreeId);
  const nlohmann::json* model = find_entry(entries, "onnx/model.onnx");
  ASSERT_NE(model, nullptr);
  EXPECT_EQ((*model)["type"], "file");
  EXPECT_EQ((*model)["oid"], "c91d35f7699837eee2d01aff2a433a27ba2e7449");  // the pointer's id
  EXPECT_EQ((*model)["size"], 21);
  EXPECT_EQ(
      (*model)["lfs"],
      (nlohmann::json{{"oid", "c6e76855eb7b6c756d8c75d47cc2a3fecdf936a24fbed52c0060883f98f73371"},
                      {"size", 21},
                      {"pointerSize", 127}}));
  const nlohmann::json* empty = find_entry(entries, "empty.txt");
  ASSERT_NE(empty, nullptr);
  EXPECT_EQ((*empty)["oid"], "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
  EXPECT_FALSE(empty->contains("lfs"));
  expect_no_xet_or_upstream(response, "tree");
}

TEST_F(HfRoutesTest, NonRecursiveTreeListsDirectChildrenOnly) {
  const auto root = call("GET", std::string(kTreeApi) + "main?recursive=false");
  ASSERT_EQ(root.status, 200);
  EXPECT_EQ(paths_of(parse_array(root)),
            (std::vector<std::string>{"README.md", "docs", "empty.txt", "onnx", "onnx.json"}));
  const auto onnx = call("GET", std::string(kTreeApi) + "main/onnx");
  ASSERT_EQ(onnx.status, 200);
  EXPECT_EQ(paths_of(parse_array(onnx)), (std::vector<std::string>{"onnx/model.onnx", "onnx/sub"}));
}

TEST_F(HfRoutesTest, SubPathMayBeRawOrPercentEncoded) {
  const auto raw = call("GET", std::string(kTreeApi) + "main/onnx/sub?recursive=true");
  const auto encoded = call("GET", std::string(kTreeApi) + "main/onnx%2Fsub?recursive=true");
  ASSERT_EQ(raw.status, 200);
  ASSERT_EQ(encoded.status, 200);
  EXPECT_EQ(raw.body, encoded.body);
  EXPECT_EQ(paths_of(parse_array(raw)),
            (std::vector<std::string>{"onnx/sub/notes.txt", "onnx/sub/weights.bin"}));
  const auto spaced = call("GET", std::string(kTreeApi) + "main/docs");
  EXPECT_EQ(paths_of(parse_array(spaced)), (std::vector<std::string>{"docs/a b.md"}));
}

TEST_F(HfRoutesTest, MissingSubPathIsEntryNotFoundWithCommit) {
  const auto response =
      call("GET",
           "/api/models/Qwen/Qwen2.5-0.5B-Instruct/tree/main/additional_chat_templates"
           "?recursive=false&expand=false");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(header_or_empty(response, "X-Error-Code"), "EntryNotFound");
  EXPECT_EQ(header_or_empty(response, "X-Repo-Commit"), kCommit);
  EXPECT_TRUE(nlohmann::json::parse(response.body).contains("error"));
  // A prefix of a real directory name is not that directory.
  EXPECT_EQ(call("GET", std::string(kTreeApi) + "main/onn").status, 404);
}

TEST_F(HfRoutesTest, TreeOfAFilePathListsThatFile) {
  const auto response = call("GET", std::string(kTreeApi) + "main/onnx.json");
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(paths_of(parse_array(response)), (std::vector<std::string>{"onnx.json"}));
}

TEST_F(HfRoutesTest, TreeAcceptsEncodedAndRawPullRequestRevisions) {
  // A branch named "refs" also exists: the longest known ref name must win for the raw form.
  for (const std::string rev : {"refs%2Fpr%2F1", "refs/pr/1"}) {
    const auto root = call("GET", std::string(kTreeApi) + rev + "?recursive=false");
    ASSERT_EQ(root.status, 200) << rev;
    EXPECT_NE(find_entry(parse_array(root), "pr-only.txt"), nullptr) << rev;
    const auto sub = call("GET", std::string(kTreeApi) + rev + "/onnx/sub");
    ASSERT_EQ(sub.status, 200) << rev;
    EXPECT_EQ(paths_of(parse_array(sub)),
              (std::vector<std::string>{"onnx/sub/notes.txt", "onnx/sub/weights.bin"}));
  }
  const auto main = call("GET", std::string(kTreeApi) + "main?recursive=false");
  EXPECT_EQ(find_entry(parse_array(main), "pr-only.txt"), nullptr);
  // The branch "refs" itself, with the sub-path "onnx".
  const auto refs_branch = call("GET", std::string(kTreeApi) + "refs/onnx");
  ASSERT_EQ(refs_branch.status, 200);
  EXPECT_EQ(paths_of(parse_array(refs_branch)),
            (std::vector<std::string>{"onnx/model.onnx", "onnx/sub"}));
}

TEST_F(HfRoutesTest, TreeRevisionErrorsAreExact) {
  const auto unknown_branch = call("GET", std::string(kTreeApi) + "nope");
  EXPECT_EQ(unknown_branch.status, 404);
  EXPECT_EQ(header_or_empty(unknown_branch, "X-Error-Code"), "RevisionNotFound");
  const auto unknown_commit =
      call("GET", std::string(kTreeApi) + "abcdefabcdefabcdefabcdefabcdefabcdefabcd");
  EXPECT_EQ(header_or_empty(unknown_commit, "X-Error-Code"), "RevisionNotFound");
  const auto unknown_repo = call("GET", "/api/models/Nope/none/tree/main");
  EXPECT_EQ(header_or_empty(unknown_repo, "X-Error-Code"), "RepoNotFound");
  EXPECT_EQ(call("GET", std::string(kTreeApi) + "main/..%2F..%2Fetc").status, 400);
  EXPECT_EQ(call("GET", std::string(kTreeApi) + "main?recursive=%zz").status, 400);
}

// Follows Link rel="next" from `first_target`, checking each Link; returns all entries.
nlohmann::json follow_pages(const http::Route& route, const std::string& first_target, int& pages) {
  nlohmann::json all = nlohmann::json::array();
  std::string target = first_target;
  for (pages = 1; pages < 50; ++pages) {
    const auto response = route(make_request("GET", target));
    EXPECT_TRUE(response.has_value());
    EXPECT_EQ(response->status, 200) << target;
    for (const auto& entry : nlohmann::json::parse(response->body)) {
      all.push_back(entry);
    }
    const std::string link = header_or_empty(*response, "Link");
    if (link.empty()) {
      break;
    }
    const std::string prefix = std::string("<") + kPublicUrl + "/api/models/mirrord-test/tree/";
    EXPECT_TRUE(link.starts_with(prefix)) << link;
    EXPECT_TRUE(link.ends_with(">; rel=\"next\"")) << link;
    target = link.substr(1 + std::string(kPublicUrl).size(),
                         link.find('>') - 1 - std::string(kPublicUrl).size());
  }
  return all;
}

TEST_F(HfRoutesTest, PaginationUsesAbsoluteLinksAndPagesConcatenate) {
  const http::Route small_pages = make_route({kPublicUrl, 3});
  const std::string first = std::string(kTreeApi) + "main?recursive=true&expand=false";
  int pages = 0;
  const nlohmann::json paged = follow_pages(small_pages, first, pages);
  EXPECT_EQ(pages, 4);  // 10 entries, 3 per page
  const auto whole = call("GET", first);
  EXPECT_EQ(paged, nlohmann::json::parse(whole.body));

  const auto page1 = small_pages(make_request("GET", first));
  ASSERT_TRUE(page1.has_value());
  EXPECT_EQ(nlohmann::json::parse(page1->body).size(), 3u);
  // The next page is pinned to the commit the first one listed.
  EXPECT_NE(header_or_empty(*page1, "Link").find(std::string("/tree/") + kTreeMain + "?"),
            std::string::npos);

  int sub_pages = 0;
  const nlohmann::json sub = follow_pages(
      small_pages, std::string(kTreeApi) + "main/onnx%2Fsub?recursive=true", sub_pages);
  EXPECT_EQ(sub_pages, 1);
  EXPECT_EQ(paths_of(sub),
            (std::vector<std::string>{"onnx/sub/notes.txt", "onnx/sub/weights.bin"}));
}

TEST_F(HfRoutesTest, PaginationRejectsForgedCursor) {
  const http::Route small_pages = make_route({kPublicUrl, 3});
  const auto response =
      small_pages(make_request("GET", std::string(kTreeApi) + "main?cursor=not-hex"));
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 400);
}

TEST_F(HfRoutesTest, WithoutPublicUrlTheWholeListingIsOnePage) {
  const http::Route no_url = make_route({"", 2});
  const auto response = no_url(make_request("GET", std::string(kTreeApi) + "main?recursive=true"));
  ASSERT_TRUE(response.has_value());
  EXPECT_FALSE(response->headers.get("Link").has_value());
  EXPECT_EQ(nlohmann::json::parse(response->body).size(), 10u);
}

}  // namespace
}  // namespace mirrord::hf_test
