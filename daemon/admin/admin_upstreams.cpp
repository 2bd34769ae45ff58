#include "daemon/admin/admin_upstreams.hpp"

#include <nlohmann/json.hpp>

namespace mirrord {
namespace {

using nlohmann::json;

json upstream_json(const UpstreamStats& stats) {
  return json{{"base", stats.base},
              {"requests", stats.requests},
              {"failures", stats.failures},
              {"consecutive_failures", stats.consecutive_failures},
              {"last_error", stats.last_error},
              {"last_error_at", stats.last_error_at},
              {"last_success_at", stats.last_success_at},
              {"latency_ms", stats.latency_ms ? json(*stats.latency_ms) : json(nullptr)}};
}

}  // namespace

std::string upstreams_json(const UpstreamHealth& health) {
  json list = json::array();
  for (const UpstreamStats& stats : health.snapshot()) {
    list.push_back(upstream_json(stats));
  }
  return json{{"upstreams", list}}.dump();
}

std::optional<http::Response> handle_upstreams_request(const UpstreamHealth* health,
                                                       const http::Request& request) {
  if (request.path != "/v1/upstreams") {
    return std::nullopt;
  }
  if (request.method != "GET") {
    return http::json_response(405, R"({"error":"method not allowed"})");
  }
  return http::json_response(200, health ? upstreams_json(*health) : R"({"upstreams":[]})");
}

}  // namespace mirrord
