// The mirror's Git LFS Batch API (daemon/git/git_lfs_batch.hpp), hostile requests included.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "daemon/git/git_lfs_batch.hpp"

namespace mirrord::git {
namespace {

using nlohmann::json;

const std::string kKnown = std::string(64, 'a');
const std::string kMissingFromStore = std::string(64, 'b');
const std::string kUnknown = std::string(64, 'c');
constexpr const char* kHrefBase = "http://127.0.0.1:8080/Qwen/X.git/info/lfs/objects/";

class GitLfsBatchTest : public ::testing::Test {
 protected:
  GitLfsBatchTest() {
    scope_.emplace(*Sha256::from_hex(kKnown), 10);
    scope_.emplace(*Sha256::from_hex(kMissingFromStore), 20);
  }

  http::Response call(const std::string& body, const std::string& method = "POST",
                      const std::string& accept = kLfsMediaType) {
    http::Request request;
    request.method = method;
    request.body = body;
    if (!accept.empty()) {
      request.headers.add("Accept", accept);
    }
    const LfsBatchContext context{
        scope_, [](const Sha256& digest) { return digest.hex() != kMissingFromStore; }, kHrefBase};
    return answer_lfs_batch(request, context);
  }

  static json objects_request(const json& objects) {
    return {{"operation", "download"},
            {"transfers", {"lfs-standalone-file", "basic", "ssh"}},
            {"ref", {{"name", "refs/heads/main"}}},
            {"objects", objects},
            {"hash_algo", "sha256"}};
  }

  LfsScope scope_;
};

TEST_F(GitLfsBatchTest, AnswersKnownObjectsWithAbsoluteMirrorHrefs) {
  const http::Response response = call(objects_request({{{"oid", kKnown}, {"size", 10}}}).dump());
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.headers.get("Content-Type"), kLfsMediaType);
  const json answer = json::parse(response.body);
  EXPECT_EQ(answer["transfer"], "basic");
  ASSERT_EQ(answer["objects"].size(), 1u);
  const json& object = answer["objects"][0];
  EXPECT_EQ(object["oid"], kKnown);
  EXPECT_EQ(object["size"], 10);
  EXPECT_EQ(object["authenticated"], true);
  EXPECT_EQ(object["actions"]["download"]["href"], kHrefBase + kKnown);
  EXPECT_GT(object["actions"]["download"]["expires_in"].get<int>(), 0);
}

TEST_F(GitLfsBatchTest, PerObjectErrorsForUnknownMismatchedAndMalformedObjects) {
  const json objects = {{{"oid", kUnknown}, {"size", 1}},
                        {{"oid", kKnown}, {"size", 11}},
                        {{"oid", kMissingFromStore}, {"size", 20}},
                        {{"oid", std::string(64, 'A')}, {"size", 1}},
                        {{"oid", "../../etc/passwd"}, {"size", 1}},
                        {{"oid", kKnown}, {"size", -1}},
                        {{"oid", kKnown}},
                        "not an object",
                        {{"oid", kKnown}, {"size", 10}}};
  const http::Response response = call(objects_request(objects).dump());
  ASSERT_EQ(response.status, 200);
  const json answer = json::parse(response.body);
  ASSERT_EQ(answer["objects"].size(), objects.size());
  const std::vector<int> codes = {404, 422, 404, 422, 422, 422, 422, 422};
  for (std::size_t i = 0; i < codes.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(answer["objects"][i]["error"]["code"], codes[i]);
    EXPECT_FALSE(answer["objects"][i].contains("actions"));
  }
  EXPECT_TRUE(answer["objects"][8].contains("actions"));
}

TEST_F(GitLfsBatchTest, WholeRequestErrors) {
  struct Case {
    std::string body;
    int status;
  };
  const json one = {{{"oid", kKnown}, {"size", 10}}};
  json upload = objects_request(one);
  upload["operation"] = "upload";
  json verify = objects_request(one);
  verify["operation"] = "verify";
  json no_basic = objects_request(one);
  no_basic["transfers"] = {"ssh"};
  json sha1 = objects_request(one);
  sha1["hash_algo"] = "sha1";
  json not_array = objects_request(one);
  not_array["objects"] = "x";
  json too_many = objects_request(json::array());
  for (int i = 0; i < 1001; ++i) {
    too_many["objects"].push_back({{"oid", kKnown}, {"size", 10}});
  }
  for (const Case& c :
       {Case{upload.dump(), 403}, Case{verify.dump(), 422}, Case{no_basic.dump(), 422},
        Case{sha1.dump(), 409}, Case{not_array.dump(), 422}, Case{too_many.dump(), 413},
        Case{"{\"operation\":", 422}, Case{"[]", 422}, Case{"", 422},
        Case{std::string(100000, '['), 422}}) {
    SCOPED_TRACE(c.body.substr(0, 80));
    const http::Response response = call(c.body);
    EXPECT_EQ(response.status, c.status);
    EXPECT_EQ(response.headers.get("Content-Type"), kLfsMediaType);
    EXPECT_TRUE(json::parse(response.body).contains("message"));
  }
}

TEST_F(GitLfsBatchTest, MethodAndAcceptAreChecked) {
  const std::string body = objects_request({{{"oid", kKnown}, {"size", 10}}}).dump();
  const http::Response get = call(body, "GET");
  EXPECT_EQ(get.status, 405);
  EXPECT_EQ(get.headers.get("Allow"), "POST");
  EXPECT_EQ(call(body, "POST", "text/html").status, 406);
  EXPECT_EQ(call(body, "POST", "").status, 200);
  EXPECT_EQ(call(body, "POST", "application/vnd.git-lfs+json; charset=utf-8").status, 200);
}

}  // namespace
}  // namespace mirrord::git
