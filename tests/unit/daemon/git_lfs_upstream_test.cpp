// The upstream side of Git LFS (daemon/git/git_lfs_upstream.hpp): the batch request we send and
// how an upstream's answer is checked before anything is downloaded.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "daemon/git/git_lfs_upstream.hpp"

namespace mirrord::git {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

const Sha256 kA = *Sha256::from_hex(std::string(64, 'a'));
const Sha256 kB = *Sha256::from_hex(std::string(64, 'b'));

json action(const Sha256& oid, std::uint64_t size, const std::string& href,
            const json& header = json::object()) {
  return {{"oid", oid.hex()},
          {"size", size},
          {"actions", {{"download", {{"href", href}, {"header", header}}}}}};
}

TEST(GitLfsUpstreamTest, RequestAsksForBasicDownloads) {
  const std::vector<LfsPointer> objects = {{kA, 1}, {kB, 2}};
  const json request = json::parse(render_batch_download_request(objects));
  EXPECT_EQ(request["operation"], "download");
  EXPECT_EQ(request["transfers"], json({"basic"}));
  EXPECT_EQ(request["hash_algo"], "sha256");
  ASSERT_EQ(request["objects"].size(), 2u);
  EXPECT_EQ(request["objects"][1]["oid"], kB.hex());
  EXPECT_EQ(request["objects"][1]["size"], 2);
}

TEST(GitLfsUpstreamTest, ReadsActionsInTheOrderAsked) {
  const std::vector<LfsPointer> asked = {{kA, 1}, {kB, 2}};
  const json answer = {
      {"transfer", "basic"},
      {"objects",
       {action(kB, 2, "https://cdn.example/b"),
        action(kA, 1, "http://127.0.0.1:9/a", {{"Authorization", "RemoteAuth x"}})}}};
  auto actions = parse_batch_download_response(answer.dump(), asked);
  ASSERT_TRUE(actions.ok()) << actions.error().message;
  ASSERT_EQ(actions->size(), 2u);
  EXPECT_EQ((*actions)[0].pointer.oid, kA);
  EXPECT_EQ((*actions)[0].href, "http://127.0.0.1:9/a");
  EXPECT_EQ((*actions)[0].headers, std::vector<std::string>{"Authorization: RemoteAuth x"});
  EXPECT_EQ((*actions)[1].href, "https://cdn.example/b");
}

TEST(GitLfsUpstreamTest, RefusesHostileAnswers) {
  const std::vector<LfsPointer> asked = {{kA, 1}};
  struct Case {
    json answer;
    std::string expected;
  };
  for (const Case& c : {
           Case{json::array(), "not a JSON object"},
           Case{{{"objects", json::array()}}, "is missing"},
           Case{{{"objects", {action(kA, 2, "https://x/a")}}}, "another size"},
           Case{{{"objects", {action(kA, 1, "/relative")}}}, "not an http(s) URL"},
           Case{{{"objects", {action(kA, 1, "file:///etc/passwd")}}}, "not an http(s) URL"},
           Case{{{"objects", {action(kA, 1, "https://x/a", {{"X-A", "1\r\nEvil: yes"}})}}},
                "malformed download header"},
           Case{{{"objects", {action(kA, 1, "https://x/a", {{"Bad Name", "v"}})}}},
                "malformed download header"},
           Case{{{"objects", {action(kA, 1, "https://x/a", {{"X-A", 5}})}}},
                "malformed download header"},
           Case{{{"objects", {{{"oid", kA.hex()}, {"size", 1}}}}}, "no download action"},
           Case{{{"objects",
                  {{{"oid", kA.hex()}, {"error", {{"code", 404}, {"message", "gone"}}}}}}},
                "refused object " + kA.hex() + ": 404 gone"},
           Case{{{"transfer", "tus"}, {"objects", {action(kA, 1, "https://x/a")}}}, "basic"},
       }) {
    SCOPED_TRACE(c.answer.dump());
    auto actions = parse_batch_download_response(c.answer.dump(), asked);
    ASSERT_FALSE(actions.ok());
    EXPECT_THAT(actions.error().message, HasSubstr(c.expected));
  }
  EXPECT_FALSE(parse_batch_download_response("{not json", asked).ok());
}

}  // namespace
}  // namespace mirrord::git
