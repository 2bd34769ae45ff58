#include "daemon/hf/hf_offline_answers.hpp"

#include "daemon/hf/hf_serve_errors.hpp"

namespace mirrord::hf {
namespace {

// The answers that claim "does not exist", which only an online mirror can know.
bool claims_unknown(const http::Response& response) {
  const auto code = response.headers.get("X-Error-Code");
  return response.status == 404 && code && (*code == "RepoNotFound" || *code == "RevisionNotFound");
}

}  // namespace

http::Route unknown_is_unavailable(http::Route routes) {
  return [routes = std::move(routes)](const http::Request& request) {
    std::optional<http::Response> answer = routes(request);
    if (!answer || !claims_unknown(*answer)) {
      return answer;
    }
    const std::string why(answer->headers.get("X-Error-Message").value_or("not mirrored"));
    return std::optional(
        error_response(request, HfError{HfErrorKind::kUnavailable,
                                        "The mirror is offline and cannot ask upstream: " + why,
                                        {},
                                        {}}));
  };
}

}  // namespace mirrord::hf
