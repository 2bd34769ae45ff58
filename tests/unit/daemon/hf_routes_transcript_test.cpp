// Replays every request of tests/data/hf/client-transcript.jsonl (huggingface_hub 1.33 and
// transformers 5.17 against a stand-in hub) through the HF route and checks the status the real
// clients got, the headers they need (hf.md §4.2, §5) and the fixture identities of hf.md §7.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/unit/daemon/hf_routes_fixture.hpp"

namespace mirrord::hf_test {
namespace {

struct Identity {
  std::uint64_t size = 0;
  std::string etag;      // hf.md §7: git blob id (regular) or sha256 (LFS)
  std::string tree_oid;  // git blob id of the content, or of the LFS pointer
  bool lfs = false;
};

// hf.md §7 "Fixture values" (the small files are byte-identical in both repos).
const std::map<std::string, Identity>& fixture_identities() {
  static const std::map<std::string, Identity> identities = {
      {"LICENSE", {29, "8cd6d813938abc7a207b689c8f8660f7e9988f5a", "", false}},
      {"README.md", {65, "22b35a8728f282f70781f1673ea4bf4054997dd1", "", false}},
      {"chat_template.jinja", {92, "1971e58f0cf54054522b597d5866c7a2a9b30895", "", false}},
      {"config.json", {785, "e9e9555b7038faff90a6e8143f863595d30c27ad", "", false}},
      {"generation_config.json", {153, "ee20573b1adaedd67b4f07a4a09702ced4dff906", "", false}},
      {"tokenizer.json", {8372, "13e37b345e02a5098e51f85b30a1334215be13f2", "", false}},
      {"tokenizer_config.json", {188, "241c7db31f6c06a2a825045278f0a2ca3af2e5b7", "", false}},
      {"model.safetensors.index.json",
       {2180, "5b579ce928ccc756046d1165d313a1eafabdbf7a", "", false}},
      {"model.safetensors",
       {189680, "f1f5670354ac4c96b0a5b3ca36af9e2f93dc5a91950af746017c3435036e0af2",
        "eef48b4141df6ea0c316625d30d40a234d5a403a", true}},
      {"model-00001-of-00006.safetensors",
       {38528, "dcfa0b71462f66338cd06255779de4e34d6997028370522a247ef0d4a5959e56",
        "0d62631f1e1896166c842f1c4aa173f705d26953", true}},
      {"model-00002-of-00006.safetensors",
       {25568, "e34055abe8dc212a7b973bd647ec75f3f32ce9962f09176520b634077bbc3845",
        "68959977988d3e6dd7c87ba2b246f5aef1116965", true}},
      {"model-00003-of-00006.safetensors",
       {33008, "cab96d006effe7cadff891bf4585ec6349960ea16dba0258c868c1473595c591",
        "9cf6caa3b623458dd661f965197d2ac85f68682e", true}},
      {"model-00004-of-00006.safetensors",
       {34224, "97eba75fccc59757ef538cff4a4102700d0093e807a03701bef6af3a6d2078b0",
        "fe3710d2177ca698917d8500c2250058b615b863", true}},
      {"model-00005-of-00006.safetensors",
       {24816, "7cdb3c04eb268d2df7782f413e9c59cf4a49ab798d42b47093385af14dd8767d",
        "b2e86e3d3e87a7e1af33fc2fd26eb84b0c8c7c0d", true}},
      {"model-00006-of-00006.safetensors",
       {33672, "c05b1a4b6493b091ba2a45c42e84f14da3dee153e4919e0f8bb430730ff0995e",
        "daf65622c8fd2bbf10f795c362aade5f7bcc8abd", true}},
  };
  return identities;
}

struct RecordedRequest {
  std::string method;
  std::string target;
  int status = 0;
  std::string note;
  std::vector<std::pair<std::string, std::string>> headers;
};

std::vector<RecordedRequest> load_transcript() {
  std::ifstream in(std::string(MIRRORD_TEST_DATA) + "/hf/client-transcript.jsonl");
  std::vector<RecordedRequest> requests;
  std::string line;
  while (std::getline(in, line)) {
    const nlohmann::json record = nlohmann::json::parse(line);
    if (!record.contains("method")) {
      continue;  // step markers
    }
    RecordedRequest request{
        record["method"], record["path"], record["status"], record.value("note", ""), {}};
    for (const auto& [name, value] : record["headers"].items()) {
      request.headers.emplace_back(name, value.get<std::string>());
    }
    requests.push_back(std::move(request));
  }
  return requests;
}

void check_resolve_success(const http::Response& response, const RecordedRequest& recorded,
                           const std::string& repo, const std::string& file) {
  const auto it = fixture_identities().find(file);
  ASSERT_NE(it, fixture_identities().end()) << file;
  const Identity& id = it->second;
  const std::string quoted = "\"" + id.etag + "\"";
  EXPECT_EQ(header_or_empty(response, "X-Repo-Commit"), kCommit) << recorded.target;
  EXPECT_EQ(header_or_empty(response, "ETag"), quoted) << recorded.target;
  EXPECT_EQ(header_or_empty(response, "Accept-Ranges"), "bytes");
  EXPECT_FALSE(response.headers.get("Content-Encoding").has_value());
  if (id.lfs) {
    EXPECT_EQ(header_or_empty(response, "X-Linked-Etag"), quoted) << recorded.target;
    EXPECT_EQ(header_or_empty(response, "X-Linked-Size"), std::to_string(id.size));
  } else {
    EXPECT_FALSE(response.headers.get("X-Linked-Etag").has_value()) << recorded.target;
  }
  if (recorded.method == "HEAD") {
    EXPECT_EQ(response.head_content_length, id.size) << recorded.target;
    EXPECT_FALSE(response.file.has_value());
  } else {
    EXPECT_EQ(body_bytes(response), read_test_file("hf/repos/" + repo + "/" + file))
        << recorded.target;
  }
}

void check_api_success(const http::Response& response, const RecordedRequest& recorded) {
  EXPECT_EQ(header_or_empty(response, "Content-Type"), "application/json; charset=utf-8");
  const nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  ASSERT_FALSE(body.is_discarded()) << recorded.target;
  std::smatch match;
  static const std::regex kInfo(R"(^/api/models/(Qwen/[^/?]+)(/revision/main)?(\?.*)?$)");
  static const std::regex kTree(R"(^/api/models/(Qwen/[^/?]+)/tree/.*$)");
  if (std::regex_match(recorded.target, match, kInfo)) {
    EXPECT_EQ(body["id"], match[1].str());
    EXPECT_EQ(body["sha"], kCommit);
  } else if (std::regex_match(recorded.target, kTree)) {
    ASSERT_TRUE(body.is_array());
    bool saw_config = false;
    for (const auto& entry : body) {
      const Identity& id = fixture_identities().at(entry["path"]);
      EXPECT_EQ(entry["oid"], id.lfs ? id.tree_oid : id.etag) << entry.dump();
      EXPECT_EQ(entry["size"], id.size);
      EXPECT_EQ(entry.contains("lfs"), id.lfs);
      saw_config = saw_config || entry["path"] == "config.json";
    }
    EXPECT_TRUE(saw_config);
  } else if (recorded.target.find("/paths-info/") != std::string::npos) {
    ASSERT_TRUE(body.is_array());
    EXPECT_EQ(body.size(), 2u) << body.dump();  // nope.json is left out
  } else if (recorded.target == "/api/agent-harnesses") {
    EXPECT_EQ(body, nlohmann::json::array());
  } else {
    ADD_FAILURE() << "unexpected API request in transcript: " << recorded.target;
  }
}

void check_error(const http::Response& response, const RecordedRequest& recorded) {
  EXPECT_EQ(header_or_empty(response, "X-Error-Code"), recorded.note) << recorded.target;
  EXPECT_FALSE(header_or_empty(response, "X-Error-Message").empty());
  if (recorded.note == "EntryNotFound") {
    EXPECT_EQ(header_or_empty(response, "X-Repo-Commit"), kCommit) << recorded.target;
  }
  if (recorded.method == "HEAD") {
    EXPECT_TRUE(response.body.empty());
    EXPECT_EQ(response.head_content_length, 0u);
  } else {
    EXPECT_TRUE(nlohmann::json::parse(response.body).contains("error"));
  }
}

TEST_F(HfRoutesTest, ReplaysEveryRequestOfTheClientTranscript) {
  const std::vector<RecordedRequest> transcript = load_transcript();
  ASSERT_GE(transcript.size(), 70u);
  static const std::regex kResolve(R"(^/(Qwen/[^/]+)/resolve/([^/]+)/(.+)$)");
  int resolve_checked = 0;
  for (const RecordedRequest& recorded : transcript) {
    SCOPED_TRACE(recorded.method + " " + recorded.target);
    const std::string body = recorded.method == "POST"
                                 ? "paths=config.json&paths=model.safetensors&paths=nope.json"
                                   "&expand=false"
                                 : "";
    const http::Response response = call(recorded.method, recorded.target, recorded.headers, body);
    EXPECT_EQ(response.status, recorded.status);
    expect_no_xet_or_upstream(response, recorded.target);
    std::smatch match;
    if (recorded.status != 200) {
      check_error(response, recorded);
    } else if (std::regex_match(recorded.target, match, kResolve)) {
      check_resolve_success(response, recorded, match[1].str(), match[3].str());
      ++resolve_checked;
    } else {
      check_api_success(response, recorded);
    }
  }
  EXPECT_GE(resolve_checked, 50);
}

}  // namespace
}  // namespace mirrord::hf_test
