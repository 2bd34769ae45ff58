#include "daemon/admin/admin_policies.hpp"

#include <nlohmann/json.hpp>

#include "policies/policy_description.hpp"

namespace mirrord {
namespace {

using nlohmann::json;

http::Response error_answer(int status, const std::string& message, json extra = json::object()) {
  extra["error"] = message;
  return http::json_response(status, extra.dump());
}

std::string target_parameter(const http::Request& request) {
  const auto query = http::parse_query(request.query);
  std::string target;
  for (const auto& [key, value] : query.value_or(decltype(query)::value_type{})) {
    if (key == "target") {
      target = value;
    }
  }
  return target;
}

http::Response describe(const PolicyBook& book, const http::Request& request) {
  const std::string target = target_parameter(request);
  if (target.empty()) {
    return error_answer(400, "policy needs ?target=NAME");
  }
  auto policy = book.resolve(target);
  if (!policy) {
    if (policy.error().code == ErrorCode::kNotFound) {
      return error_answer(404, policy.error().message,
                          {{"suggestions", book.close_matches(target)}});
    }
    return error_answer(400, policy.error().message);
  }
  const json answer{{"policy", describe_policy(*policy)}, {"path", served_path(*policy)}};
  return http::json_response(200, answer.dump());
}

}  // namespace

std::string served_path(const Policy& policy) {
  if (policy.source == "pypi") {
    return "/pypi/" + policy.pypi.root_name(policy.name) + "/simple/";
  }
  if (policy.source == "apt") {
    return "/apt/" + policy.name;
  }
  if (policy.source == "git") {
    return "/git/" + policy.git.mirror_name(policy.name);
  }
  return (policy.hf.repo_type == "dataset" ? "/datasets/" : "/") + policy.hf.repo;
}

std::optional<http::Response> handle_policy_request(const std::shared_ptr<const PolicyBook>& book,
                                                    const http::Request& request) {
  if (request.path != "/v1/policy") {
    return std::nullopt;
  }
  if (request.method != "GET") {
    return error_answer(405, "method not allowed");
  }
  return describe(*book, request);
}

}  // namespace mirrord
