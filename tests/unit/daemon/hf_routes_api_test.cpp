// The JSON API of hf.md §3: repo info (E1), paths-info (E3), refs (E6), the Xet token endpoints
// (E7), and the side calls (E8, E9).
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/unit/daemon/hf_routes_fixture.hpp"

namespace mirrord::hf_test {
namespace {

const std::string kQ05Api = std::string("/api/models/") + kQ05;
constexpr const char* kFormType = "application/x-www-form-urlencoded";

nlohmann::json parse_body(const http::Response& response) {
  nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  EXPECT_FALSE(body.is_discarded()) << response.body;
  return body;
}

const nlohmann::json* sibling(const nlohmann::json& info, const std::string& name) {
  for (const auto& entry : info["siblings"]) {
    if (entry["rfilename"] == name) {
      return &entry;
    }
  }
  return nullptr;
}

TEST_F(HfRoutesTest, RepoInfoHasTheFieldsClientsRequire) {
  const auto response = call("GET", kQ05Api + "/revision/main");
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(header_or_empty(response, "Content-Type"), "application/json; charset=utf-8");
  const nlohmann::json info = parse_body(response);
  EXPECT_EQ(info["id"], kQ05);
  EXPECT_EQ(info["sha"], kCommit);
  EXPECT_EQ(info["private"], false);
  EXPECT_EQ(info["gated"], false);
  EXPECT_EQ(info["disabled"], false);
  EXPECT_EQ(info["tags"], nlohmann::json::array());
  ASSERT_TRUE(info["_id"].is_string());
  EXPECT_FALSE(info["_id"].get<std::string>().empty());
  EXPECT_TRUE(std::regex_match(info["lastModified"].get<std::string>(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z)")));
  ASSERT_EQ(info["siblings"].size(), 8u);
  EXPECT_EQ(*sibling(info, "config.json"), (nlohmann::json{{"rfilename", "config.json"}}));
  // Stable across calls and different for another repo.
  EXPECT_EQ(parse_body(call("GET", kQ05Api))["_id"], info["_id"]);
  EXPECT_NE(parse_body(call("GET", std::string("/api/models/") + kQ7))["_id"], info["_id"]);
}

TEST_F(HfRoutesTest, RepoInfoWithBlobsDescribesEachFile) {
  const nlohmann::json info = parse_body(call("GET", kQ05Api + "?blobs=true"));
  const nlohmann::json* model = sibling(info, "model.safetensors");
  ASSERT_NE(model, nullptr);
  EXPECT_EQ((*model)["size"], 189680);
  EXPECT_EQ((*model)["blobId"], "eef48b4141df6ea0c316625d30d40a234d5a403a");
  EXPECT_EQ((*model)["lfs"],
            (nlohmann::json{
                {"sha256", "f1f5670354ac4c96b0a5b3ca36af9e2f93dc5a91950af746017c3435036e0af2"},
                {"size", 189680},
                {"pointerSize", 131}}));
  const nlohmann::json* config = sibling(info, "config.json");
  ASSERT_NE(config, nullptr);
  EXPECT_EQ((*config)["blobId"], "e9e9555b7038faff90a6e8143f863595d30c27ad");
  EXPECT_EQ((*config)["size"], 785);
  EXPECT_FALSE(config->contains("lfs"));
}

TEST_F(HfRoutesTest, RepoInfoMergesAllowListedMetadataButCatalogValuesWin) {
  const std::string info_json = R"({
    "id": "evil/other", "sha": "0000000000000000000000000000000000000000", "siblings": [],
    "private": true, "tags": ["text-generation", "qwen"], "library_name": "transformers",
    "pipeline_tag": "text-generation", "gated": "manual", "downloads": 7,
    "lastModified": "2024-09-25T14:32:11.000Z", "xetHash": "abc", "secret": "s",
    "cardData": {"license": "apache-2.0", "license_link": "https://huggingface.co/x/LICENSE",
                 "xetHash": "def"}})";
  publish({"model", "meta/repo"}, "6666666666666666666666666666666666666666",
          {{"config.json", "{}", false}}, {"main"}, info_json);
  const auto response = call("GET", "/api/models/meta/repo");
  ASSERT_EQ(response.status, 200);
  const nlohmann::json info = parse_body(response);
  EXPECT_EQ(info["id"], "meta/repo");
  EXPECT_EQ(info["sha"], "6666666666666666666666666666666666666666");
  EXPECT_EQ(info["private"], false);
  EXPECT_EQ(info["siblings"].size(), 1u);
  EXPECT_EQ(info["tags"], (nlohmann::json{"text-generation", "qwen"}));
  EXPECT_EQ(info["library_name"], "transformers");
  EXPECT_EQ(info["pipeline_tag"], "text-generation");
  EXPECT_EQ(info["gated"], "manual");
  EXPECT_EQ(info["downloads"], 7);
  EXPECT_EQ(info["lastModified"], "2024-09-25T14:32:11.000Z");
  EXPECT_FALSE(info.contains("secret"));
  EXPECT_EQ(info["cardData"], (nlohmann::json{{"license", "apache-2.0"}}));
  expect_no_xet_or_upstream(response, "repo info");
}

TEST_F(HfRoutesTest, RepoInfoRevisionForms) {
  EXPECT_EQ(parse_body(call("GET", kQ05Api + "/revision/HEAD"))["sha"], kCommit);
  EXPECT_EQ(parse_body(call("GET", kQ05Api + "/revision/" + kCommit + "?expand=sha"))["sha"],
            kCommit);
  const auto pr = call("GET", "/api/models/mirrord-test/tree/revision/refs%2Fpr%2F1");
  ASSERT_EQ(pr.status, 200);
  EXPECT_EQ(parse_body(pr)["sha"], kTreePr);
  EXPECT_NE(parse_body(pr)["siblings"].dump().find("pr-only.txt"), std::string::npos);
  EXPECT_EQ(parse_body(call("GET", "/api/models/gpt2"))["id"], "gpt2");
  EXPECT_EQ(parse_body(call("GET", "/api/datasets/mirrord-test/ds"))["sha"], kDatasetCommit);
}

TEST_F(HfRoutesTest, DefaultRevisionWithoutMainIsTheOnlyRef) {
  publish({"model", "tags/only"}, "7777777777777777777777777777777777777777",
          {{"a.txt", "a", false}}, {"v1.0"});
  EXPECT_EQ(parse_body(call("GET", "/api/models/tags/only"))["sha"],
            "7777777777777777777777777777777777777777");
  publish({"model", "tags/only"}, "8888888888888888888888888888888888888888",
          {{"a.txt", "b", false}}, {"v2.0"});
  const auto ambiguous = call("GET", "/api/models/tags/only");
  EXPECT_EQ(ambiguous.status, 404);
  EXPECT_EQ(header_or_empty(ambiguous, "X-Error-Code"), "RevisionNotFound");
}

TEST_F(HfRoutesTest, RepoInfoErrors) {
  const auto no_repo = call("GET", "/api/models/Nope/none");
  EXPECT_EQ(no_repo.status, 404);
  EXPECT_EQ(header_or_empty(no_repo, "X-Error-Code"), "RepoNotFound");
  EXPECT_TRUE(parse_body(no_repo)["error"].is_string());
  const auto no_rev = call("GET", kQ05Api + "/revision/nope");
  EXPECT_EQ(no_rev.status, 404);
  EXPECT_EQ(header_or_empty(no_rev, "X-Error-Code"), "RevisionNotFound");
  EXPECT_EQ(header_or_empty(call("GET", std::string("/api/datasets/") + kQ05), "X-Error-Code"),
            "RepoNotFound");
  EXPECT_EQ(call("GET", kQ05Api + "/discussions").status, 404);
  EXPECT_EQ(call("POST", kQ05Api).status, 405);
}

TEST_F(HfRoutesTest, PathsInfoAcceptsAFormBody) {
  const auto response =
      call("POST", "/api/models/mirrord-test/tree/paths-info/main", {{"Content-Type", kFormType}},
           "paths=README.md&paths=onnx%2Fmodel.onnx&paths=nope.json&paths=onnx%2Fsub"
           "&paths=..%2Fetc&expand=false");
  ASSERT_EQ(response.status, 200);
  const nlohmann::json body = parse_body(response);
  ASSERT_EQ(body.size(), 3u) << body.dump();
  EXPECT_EQ(body[0], (nlohmann::json{{"type", "file"},
                                     {"oid", "574c363f82656b4858ecb3ddaa346ea163636adf"},
                                     {"size", 10},
                                     {"path", "README.md"}}));
  EXPECT_EQ(body[1]["path"], "onnx/model.onnx");
  EXPECT_EQ(body[1]["lfs"]["oid"],
            "c6e76855eb7b6c756d8c75d47cc2a3fecdf936a24fbed52c0060883f98f73371");
  EXPECT_EQ(body[2], (nlohmann::json{{"type", "directory"},
                                     {"oid", "02241fb55cec45053550d2f3b8a13d1391a9177f"},
                                     {"size", 0},
                                     {"path", "onnx/sub"}}));
}

TEST_F(HfRoutesTest, PathsInfoAcceptsAJsonBody) {
  const auto response =
      call("POST", kQ05Api + "/paths-info/" + kCommit, {{"Content-Type", "application/json"}},
           R"({"paths":["config.json","model.safetensors","nope"],"expand":true})");
  ASSERT_EQ(response.status, 200);
  const nlohmann::json body = parse_body(response);
  ASSERT_EQ(body.size(), 2u);
  EXPECT_EQ(body[0]["oid"], "e9e9555b7038faff90a6e8143f863595d30c27ad");
  EXPECT_EQ(body[1]["lfs"]["pointerSize"], 131);
  expect_no_xet_or_upstream(response, "paths-info");
}

TEST_F(HfRoutesTest, PathsInfoErrors) {
  const std::string url = kQ05Api + "/paths-info/main";
  EXPECT_EQ(call("POST", url, {{"Content-Type", "application/json"}}, "{not json").status, 400);
  EXPECT_EQ(call("POST", url, {{"Content-Type", "application/json"}}, R"({"paths":[1]})").status,
            400);
  EXPECT_EQ(call("POST", url, {{"Content-Type", kFormType}}, "paths=%zz").status, 400);
  EXPECT_EQ(call("GET", url).status, 405);
  EXPECT_EQ(header_or_empty(call("GET", url), "Allow"), "POST");
  const auto no_rev = call("POST", kQ05Api + "/paths-info/nope", {{"Content-Type", kFormType}},
                           "paths=config.json");
  EXPECT_EQ(header_or_empty(no_rev, "X-Error-Code"), "RevisionNotFound");
  const auto no_repo = call("POST", "/api/models/Nope/none/paths-info/main",
                            {{"Content-Type", kFormType}}, "paths=config.json");
  EXPECT_EQ(header_or_empty(no_repo, "X-Error-Code"), "RepoNotFound");
}

TEST_F(HfRoutesTest, RefsListBranchesAndPullRequestsOnRequest) {
  const auto response = call("GET", "/api/models/mirrord-test/tree/refs");
  ASSERT_EQ(response.status, 200);
  const nlohmann::json refs = parse_body(response);
  EXPECT_EQ(refs["tags"], nlohmann::json::array());
  EXPECT_EQ(refs["converts"], nlohmann::json::array());
  EXPECT_EQ(refs["pullRequests"], nlohmann::json::array());
  const nlohmann::json main_branch = {
      {"name", "main"}, {"ref", "refs/heads/main"}, {"targetCommit", kTreeMain}};
  EXPECT_NE(std::find(refs["branches"].begin(), refs["branches"].end(), main_branch),
            refs["branches"].end())
      << refs.dump();
  const nlohmann::json with_prs =
      parse_body(call("GET", "/api/models/mirrord-test/tree/refs?include_prs=1"));
  EXPECT_EQ(with_prs["pullRequests"],
            (nlohmann::json::array(
                {{{"name", "refs/pr/1"}, {"ref", "refs/pr/1"}, {"targetCommit", kTreePr}}})));
  EXPECT_EQ(header_or_empty(call("GET", "/api/models/Nope/none/refs"), "X-Error-Code"),
            "RepoNotFound");
}

TEST_F(HfRoutesTest, XetTokenEndpointsAlwaysAnswer404) {
  for (const std::string verb : {"xet-read-token", "xet-write-token"}) {
    const auto response = call("GET", kQ05Api + "/" + verb + "/main");
    EXPECT_EQ(response.status, 404) << verb;
    expect_no_xet_or_upstream(response, verb);
    EXPECT_EQ(response.body.find("accessToken"), std::string::npos);
  }
}

TEST_F(HfRoutesTest, SideCallsAreAnsweredWithoutTheCatalog) {
  const auto harnesses = call("GET", "/api/agent-harnesses");
  EXPECT_EQ(harnesses.status, 200);
  EXPECT_EQ(parse_body(harnesses), nlohmann::json::array());
  const auto telemetry = call("HEAD", "/api/telemetry/hf_hub/download");
  EXPECT_EQ(telemetry.status, 200);
  EXPECT_TRUE(telemetry.body.empty());
  EXPECT_EQ(call("PUT", "/api/agent-harnesses").status, 405);
}

}  // namespace
}  // namespace mirrord::hf_test
