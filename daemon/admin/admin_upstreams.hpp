// The upstreams endpoint of the admin API (docs/admin-api.md, "Upstreams"):
//   GET /v1/upstreams   requests, failures and latency of every upstream seen since start
#pragma once

#include <optional>
#include <string>

#include "daemon/http/message.hpp"
#include "daemon/upstreams/upstream_health.hpp"

namespace mirrord {

// The body of GET /v1/upstreams: {"upstreams": [Upstream, ...]} by base URL.
std::string upstreams_json(const UpstreamHealth& health);

// nullopt for requests that are not the upstreams endpoint. `health` may be null (no fetches).
std::optional<http::Response> handle_upstreams_request(const UpstreamHealth* health,
                                                       const http::Request& request);

}  // namespace mirrord
