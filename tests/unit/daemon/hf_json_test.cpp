#include "daemon/hf/hf_json.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "storage/digest.hpp"

namespace mirrord {
namespace {

using Json = nlohmann::json;

constexpr const char* kCommit = "7ae557604adf67be50417f59c2c2f167def9a775";
// Hub values for model.safetensors of the 0.5B fixture (protocols/hf.md §3.2 and §7).
constexpr const char* kLfsSha = "f1f5670354ac4c96b0a5b3ca36af9e2f93dc5a91950af746017c3435036e0af2";
constexpr const char* kPointerOid = "eef48b4141df6ea0c316625d30d40a234d5a403a";

Json lfs_entry() {
  return Json{{"type", "file"},
              {"oid", kPointerOid},
              {"size", 189680},
              {"path", "model.safetensors"},
              {"lfs", {{"oid", kLfsSha}, {"size", 189680}, {"pointerSize", 131}}}};
}

Json regular_entry(std::string path = "config.json") {
  return Json{{"type", "file"},
              {"oid", "e9e9555b7038faff90a6e8143f863595d30c27ad"},
              {"size", 785},
              {"path", path}};
}

Result<std::vector<ManifestEntry>> parse_entries(const Json& entries) {
  return parse_hf_tree_page(entries.dump());
}

ErrorCode failure_of(const Json& entries) {
  auto parsed = parse_entries(entries);
  return parsed.ok() ? ErrorCode::kInternal : parsed.error().code;
}

TEST(ParseHfRevision, TakesIdShaAndTheAllowListedMetadata) {
  const Json doc = {{"_id", "66e6d6"},
                    {"id", "Qwen/Qwen2.5-0.5B-Instruct"},
                    {"sha", kCommit},
                    {"private", false},
                    {"gated", "manual"},
                    {"disabled", false},
                    {"lastModified", "2024-09-25T14:32:11.000Z"},
                    {"createdAt", "2024-09-16T11:55:40.000Z"},
                    {"tags", {"transformers", "safetensors", 7, nullptr, "text-generation"}},
                    {"library_name", "transformers"},
                    {"pipeline_tag", "text-generation"},
                    {"downloads", 123456},
                    {"cardData", {{"license", "apache-2.0"}, {"base_model", "x"}}},
                    {"siblings", {{{"rfilename", "config.json"}}}}};
  auto info = parse_hf_revision(doc.dump());
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->id, "Qwen/Qwen2.5-0.5B-Instruct");
  EXPECT_EQ(info->sha, kCommit);
  const Json kept = Json::parse(info->info_json);
  const Json expected = {{"private", false},
                         {"gated", "manual"},
                         {"disabled", false},
                         {"lastModified", "2024-09-25T14:32:11.000Z"},
                         {"createdAt", "2024-09-16T11:55:40.000Z"},
                         {"tags", {"transformers", "safetensors", "text-generation"}},
                         {"library_name", "transformers"},
                         {"pipeline_tag", "text-generation"},
                         {"license", "apache-2.0"}};
  EXPECT_EQ(kept, expected);
}

TEST(ParseHfRevision, NeverPassesOnUrlsXetOrUnknownFields) {
  const Json doc = {{"id", "org/name"},
                    {"sha", kCommit},
                    {"xetHash", "abc"},
                    {"cardData", {{"license", "https://evil.example/license"}}},
                    {"library_name", "see https://huggingface.co/x"},
                    {"tags", {"ok", "http://cdn.example/a", std::string("bad\nline")}},
                    {"gated", "sometimes"},
                    {"lastModified", "<script>"},
                    {"siblings", {{{"rfilename", "a"}, {"xetHash", "zz"}}}}};
  auto info = parse_hf_revision(doc.dump());
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(Json::parse(info->info_json), (Json{{"tags", {"ok"}}}));
  EXPECT_EQ(info->info_json.find("xet"), std::string::npos);
  EXPECT_EQ(info->info_json.find("://"), std::string::npos);
}

TEST(ParseHfRevision, LowerCasesTheSha) {
  auto info = parse_hf_revision(
      Json{{"id", "org/name"}, {"sha", "7AE557604ADF67BE50417F59C2C2F167DEF9A775"}}.dump());
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->sha, kCommit);
}

TEST(ParseHfRevision, RefusesMissingOrMalformedShaAndId) {
  const std::vector<Json> hostile = {
      Json{{"id", "org/name"}},
      Json{{"id", "org/name"}, {"sha", nullptr}},
      Json{{"id", "org/name"}, {"sha", "7ae557604adf"}},
      Json{{"id", "org/name"}, {"sha", std::string(40, 'g')}},
      Json{{"id", "org/name"}, {"sha", 12345}},
      Json{{"sha", kCommit}},
      Json{{"id", "../../etc"}, {"sha", kCommit}},
      Json{{"id", "a/b/c"}, {"sha", kCommit}},
      Json{{"id", "org/na me"}, {"sha", kCommit}},
      Json{{"id", 7}, {"sha", kCommit}},
      Json::array({kCommit}),
  };
  for (const Json& doc : hostile) {
    auto info = parse_hf_revision(doc.dump());
    ASSERT_FALSE(info.ok()) << doc.dump();
    EXPECT_EQ(info.error().code, ErrorCode::kInvalidInput);
  }
}

TEST(ParseHfRevision, RefusesNonJsonAndDeepNesting) {
  EXPECT_FALSE(parse_hf_revision("<html>rate limited</html>").ok());
  EXPECT_FALSE(parse_hf_revision("").ok());
  EXPECT_FALSE(parse_hf_revision("{\"id\":\"a/b\",\"sha\":\"" + std::string(kCommit)).ok());
  EXPECT_FALSE(parse_hf_revision(std::string(100000, '[') + std::string(100000, ']')).ok());
  EXPECT_FALSE(parse_hf_revision("{\"id\":\"a/\xff\xfe\",\"sha\":\"" + std::string(kCommit) + "\"}")
                   .ok());  // invalid UTF-8
}

TEST(ParseHfTreePage, ReadsTheDocumentedShape) {
  const Json page = {regular_entry(), lfs_entry(),
                     Json{{"type", "directory"},
                          {"oid", "0000000000000000000000000000000000000001"},
                          {"size", 0},
                          {"path", "onnx"}}};
  auto files = parse_entries(page);
  ASSERT_TRUE(files.ok()) << files.error().message;
  ASSERT_EQ(files->size(), 2u);  // the directory is not a file
  const ManifestEntry& config = (*files)[0];
  EXPECT_EQ(config.path, "config.json");
  EXPECT_EQ(config.size, 785u);
  EXPECT_FALSE(config.lfs);
  EXPECT_EQ(config.tree_oid.hex(), "e9e9555b7038faff90a6e8143f863595d30c27ad");
  EXPECT_FALSE(config.sha256);
  const ManifestEntry& weights = (*files)[1];
  EXPECT_TRUE(weights.lfs);
  EXPECT_EQ(weights.size, 189680u);
  ASSERT_TRUE(weights.sha256);
  EXPECT_EQ(weights.sha256->hex(), kLfsSha);
  EXPECT_EQ(weights.tree_oid.hex(), kPointerOid);
}

TEST(ParseHfTreePage, IgnoresXetHashAndExpandFields) {
  Json entry = lfs_entry();
  entry["xetHash"] = "e7f9a8";
  entry["lastCommit"] = {{"id", kCommit}, {"title", "x"}};
  entry["securityFileStatus"] = {{"status", "safe"}};
  auto files = parse_entries(Json::array({entry}));
  ASSERT_TRUE(files.ok()) << files.error().message;
  EXPECT_EQ(files->at(0).sha256->hex(), kLfsSha);
}

TEST(ParseHfTreePage, RefusesTraversalAndOddPaths) {
  for (const std::string& path :
       std::vector<std::string>{"../etc/passwd", "a/../../b", "/etc/passwd", "a//b", "a/", "./a",
                                "a/./b", "a\\b", "..", "", std::string("a\0b", 3), "a\nb",
                                std::string(1025, 'a'), std::string(256, 'a') + "/b"}) {
    auto files = parse_entries(Json::array({regular_entry(path)}));
    ASSERT_FALSE(files.ok()) << path;
    EXPECT_EQ(files.error().code, ErrorCode::kInvalidInput) << path;
  }
}

TEST(ParseHfTreePage, HostileDirectoryPathsFailToo) {
  const Json dir = {{"type", "directory"}, {"oid", kPointerOid}, {"size", 0}, {"path", "../x"}};
  EXPECT_EQ(failure_of(Json::array({dir})), ErrorCode::kInvalidInput);
}

TEST(ParseHfTreePage, AcceptsOrdinaryNestedAndUnicodePaths) {
  for (const std::string& path :
       std::vector<std::string>{"onnx/model.onnx", "a b/c-d_e.f", "caf\xc3\xa9/x.json", "..a",
                                "a..", ".gitattributes"}) {
    auto files = parse_entries(Json::array({regular_entry(path)}));
    ASSERT_TRUE(files.ok()) << path << ": " << files.error().message;
  }
}

TEST(ParseHfTreePage, RefusesBadOids) {
  for (const Json& oid : {Json("e9e9555b"), Json(std::string(40, 'z')), Json(nullptr), Json(5),
                          Json(std::string(64, 'a'))}) {
    Json entry = regular_entry();
    entry["oid"] = oid;
    EXPECT_EQ(failure_of(Json::array({entry})), ErrorCode::kInvalidInput) << oid.dump();
  }
  Json bad_lfs = lfs_entry();
  bad_lfs["lfs"]["oid"] = std::string(kLfsSha).substr(0, 63);
  EXPECT_EQ(failure_of(Json::array({bad_lfs})), ErrorCode::kInvalidInput);
}

TEST(ParseHfTreePage, RefusesLfsThatContradictsTheTree) {
  Json other_sha = lfs_entry();
  other_sha["lfs"]["oid"] = std::string(64, 'a');  // well-formed, but not what the pointer says
  Json other_size = lfs_entry();
  other_size["lfs"]["size"] = 189681;
  Json both_sizes = lfs_entry();
  both_sizes["size"] = 189681;
  both_sizes["lfs"]["size"] = 189681;
  Json pointer_size = lfs_entry();
  pointer_size["lfs"]["pointerSize"] = 130;
  Json not_object = lfs_entry();
  not_object["lfs"] = "yes";
  for (const Json& entry : {other_sha, other_size, both_sizes, pointer_size, not_object}) {
    auto files = parse_entries(Json::array({entry}));
    ASSERT_FALSE(files.ok()) << entry.dump();
    EXPECT_EQ(files.error().code, ErrorCode::kInvalidInput);
    EXPECT_NE(files.error().message.find("model.safetensors"), std::string::npos);
  }
}

TEST(ParseHfTreePage, SizesMustBeNonNegativeIntegersThatFit) {
  for (const char* size :
       {"-1", "1.5", "1e30", "18446744073709551616", "\"785\"", "null", "true"}) {
    const std::string body = std::string(R"([{"type":"file","path":"a","oid":")") +
                             "e9e9555b7038faff90a6e8143f863595d30c27ad" + R"(","size":)" + size +
                             "}]";
    auto files = parse_hf_tree_page(body);
    ASSERT_FALSE(files.ok()) << size;
    EXPECT_EQ(files.error().code, ErrorCode::kInvalidInput);
  }
  auto largest = parse_hf_tree_page(
      R"([{"type":"file","path":"a","oid":"e9e9555b7038faff90a6e8143f863595d30c27ad","size":18446744073709551615}])");
  ASSERT_TRUE(largest.ok());
  EXPECT_EQ(largest->at(0).size, 18446744073709551615ull);
}

TEST(ParseHfTreePage, RefusesWrongShapes) {
  EXPECT_EQ(failure_of(Json::object({{"path", "a"}})), ErrorCode::kInvalidInput);
  EXPECT_EQ(failure_of(Json::array({"config.json"})), ErrorCode::kInvalidInput);
  Json symlink = regular_entry();
  symlink["type"] = "symlink";
  EXPECT_EQ(failure_of(Json::array({symlink})), ErrorCode::kInvalidInput);
  Json no_type = regular_entry();
  no_type.erase("type");
  EXPECT_EQ(failure_of(Json::array({no_type})), ErrorCode::kInvalidInput);
  Json path_number = regular_entry();
  path_number["path"] = 3;
  EXPECT_EQ(failure_of(Json::array({path_number})), ErrorCode::kInvalidInput);
  EXPECT_FALSE(parse_hf_tree_page("not json").ok());
}

TEST(ParseHfTreePage, EmptyPageIsEmpty) {
  auto files = parse_hf_tree_page("[]");
  ASSERT_TRUE(files.ok());
  EXPECT_TRUE(files->empty());
}

TEST(CheckManifestPaths, RefusesDuplicatesAndFileDirectoryClashes) {
  auto entry = [](std::string path) { return ManifestEntry{std::move(path), 1, false, {}, {}}; };
  EXPECT_TRUE(check_manifest_paths({entry("a/b"), entry("a/c"), entry("b")}).ok());
  auto twice = check_manifest_paths({entry("a"), entry("b"), entry("a")});
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.error().message.find("a"), std::string::npos);
  EXPECT_FALSE(check_manifest_paths({entry("a"), entry("a/b")}).ok());
  EXPECT_FALSE(check_manifest_paths({entry("x/y/z"), entry("x/y")}).ok());
}

TEST(IsValidRepoId, AcceptsHubIdsAndRefusesTheRest) {
  for (const char* id :
       {"Qwen/Qwen2.5-0.5B-Instruct", "gpt2", "google-bert/bert-base-uncased", "a_b/c.d"}) {
    EXPECT_TRUE(is_valid_repo_id(id)) << id;
  }
  for (const char* id : {"", "/", "a/", "/a", "a/b/c", "../a", "a/..", "a/.b", "a/b.", "-a/b",
                         "a b/c", "a/b?c", "a/b#c", "a%2Fb", "a\\b"}) {
    EXPECT_FALSE(is_valid_repo_id(id)) << id;
  }
  EXPECT_FALSE(is_valid_repo_id("org/" + std::string(97, 'a')));
}

TEST(ParseLinkNext, FindsTheNextTarget) {
  EXPECT_EQ(
      parse_link_next("<https://huggingface.co/api/models/x/tree/abc?cursor=zz>; rel=\"next\""),
      "https://huggingface.co/api/models/x/tree/abc?cursor=zz");
  EXPECT_EQ(parse_link_next("<https://h/p1>; rel=\"prev\", <https://h/p3>; rel=next"),
            "https://h/p3");
  EXPECT_EQ(parse_link_next("<https://h/a,b>;rel=\"next\""), "https://h/a,b");
}

TEST(ParseLinkNext, NoNextMeansLastPage) {
  EXPECT_FALSE(parse_link_next("<https://h/p1>; rel=\"prev\""));
  EXPECT_FALSE(parse_link_next("<https://h/x>; rel=\"xet-auth\""));
  EXPECT_FALSE(parse_link_next("https://h/x; rel=\"next\""));
  EXPECT_FALSE(parse_link_next(""));
  EXPECT_FALSE(parse_link_next("<https://h/x; rel=\"next\""));
}

TEST(HfRefsListTag, FindsATagByNameOrFullRef) {
  const std::string body =
      R"({"branches": [{"name": "main", "ref": "refs/heads/main", "targetCommit": "a"}],
          "tags": [{"name": "v1", "ref": "refs/tags/v1", "targetCommit": "b"}], "converts": []})";
  EXPECT_TRUE(hf_refs_list_tag(body, "v1"));
  EXPECT_TRUE(hf_refs_list_tag(body, "refs/tags/v1"));
  EXPECT_FALSE(hf_refs_list_tag(body, "main")) << "a branch is no tag";
  EXPECT_FALSE(hf_refs_list_tag(body, "v2"));
}

TEST(HfRefsListTag, AMalformedAnswerListsNoTag) {
  EXPECT_FALSE(hf_refs_list_tag("not json", "v1"));
  EXPECT_FALSE(hf_refs_list_tag(R"({"tags": "v1"})", "v1"));
  EXPECT_FALSE(hf_refs_list_tag(R"({"tags": [{"name": 1}, "v1"]})", "v1"));
  EXPECT_FALSE(hf_refs_list_tag(std::string(100, '[') + std::string(100, ']'), "v1"));
}

}  // namespace
}  // namespace mirrord
