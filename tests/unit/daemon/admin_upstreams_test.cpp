// GET /v1/upstreams: the registry's entries as JSON, and what the handler leaves to others.
#include "daemon/admin/admin_upstreams.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace mirrord {
namespace {

using nlohmann::json;

http::Request request(std::string method, std::string path) {
  http::Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.target = r.path;
  return r;
}

TEST(AdminUpstreamsTest, ListsEveryUpstreamWithItsCountersAndLatency) {
  UpstreamHealth health([] { return std::int64_t{77}; });
  health.register_base("http://idle:1");
  health.record_failure("http://down:2/x", "connection refused");
  health.record_success("http://up:3/x", std::chrono::microseconds(1500));
  const auto answer = handle_upstreams_request(&health, request("GET", "/v1/upstreams"));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  const json body = json::parse(answer->body);
  ASSERT_EQ(body["upstreams"].size(), 3u);
  const json& down = body["upstreams"][0];
  EXPECT_EQ(down["base"], "http://down:2");
  EXPECT_EQ(down["failures"], 1);
  EXPECT_EQ(down["consecutive_failures"], 1);
  EXPECT_EQ(down["last_error"], "connection refused");
  EXPECT_EQ(down["last_error_at"], 77);
  EXPECT_TRUE(down["latency_ms"].is_null());
  EXPECT_EQ(body["upstreams"][1]["base"], "http://idle:1");
  EXPECT_EQ(body["upstreams"][1]["requests"], 0);
  const json& up = body["upstreams"][2];
  EXPECT_EQ(up["last_success_at"], 77);
  EXPECT_DOUBLE_EQ(up["latency_ms"].get<double>(), 1.5);
}

TEST(AdminUpstreamsTest, OtherPathsAreNotItsOwnAndOnlyGetIsAllowed) {
  UpstreamHealth health;
  EXPECT_FALSE(handle_upstreams_request(&health, request("GET", "/v1/upstreams/x")));
  EXPECT_EQ(handle_upstreams_request(&health, request("POST", "/v1/upstreams"))->status, 405);
  EXPECT_EQ(handle_upstreams_request(nullptr, request("GET", "/v1/upstreams"))->body,
            R"({"upstreams":[]})");
}

}  // namespace
}  // namespace mirrord
