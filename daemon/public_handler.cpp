#include "daemon/public_handler.hpp"

#include "daemon/http/cors.hpp"

namespace mirrord {
namespace {

std::optional<http::Response> health(const http::Request& request) {
  if (request.path != "/healthz" && request.path != "/readyz") {
    return std::nullopt;
  }
  if (request.method != "GET" && request.method != "HEAD") {
    return http::json_response(405, R"({"error":"method not allowed"})");
  }
  return http::text_response(200, "ok\n");
}

http::Response not_found() {
  http::Response response = http::json_response(404, R"({"error":"not found"})");
  response.headers.set("X-Error-Message", "not found");
  return response;
}

}  // namespace

http::Handler make_public_handler(std::vector<http::Route> routes) {
  routes.insert(routes.begin(), health);
  return [routes = std::move(routes)](const http::Request& request) {
    if (request.method == "OPTIONS") {
      return http::cors_preflight();
    }
    for (const auto& route : routes) {
      if (auto response = route(request)) {
        http::add_cors_headers(*response);
        return std::move(*response);
      }
    }
    http::Response response = not_found();
    http::add_cors_headers(response);
    return response;
  };
}

}  // namespace mirrord
