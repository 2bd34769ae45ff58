#include "daemon/public_handler.hpp"

#include "daemon/http/cors.hpp"

namespace mirrord {
namespace {

http::Response not_found() {
  http::Response response = http::json_response(404, R"({"error":"not found"})");
  response.headers.set("X-Error-Message", "not found");
  return response;
}

}  // namespace

http::Handler make_public_handler(std::vector<http::Route> routes) {
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
