#include "daemon/git/git_lfs_batch.hpp"

#include <nlohmann/json.hpp>

#include "daemon/git/git_pack_names.hpp"

namespace mirrord::git {
namespace {

using nlohmann::json;

// Download hrefs do not expire; a day keeps clients from caching them forever all the same.
constexpr int kExpiresInSeconds = 86400;

bool accepts_lfs_json(const http::Request& request) {
  const auto accept = request.headers.get("Accept");
  if (!accept || accept->empty()) {
    return true;
  }
  return accept->find(kLfsMediaType) != std::string_view::npos ||
         accept->find("application/json") != std::string_view::npos ||
         accept->find("*/*") != std::string_view::npos;
}

json object_error(const json& oid, const json& size, int code, const std::string& message) {
  json answer = {{"error", {{"code", code}, {"message", message}}}};
  answer["oid"] = oid.is_string() ? oid : json("");
  answer["size"] = size.is_number_unsigned() ? size : json(0);
  return answer;
}

json answer_object(const json& object, const LfsBatchContext& context) {
  const json oid = object.is_object() ? object.value("oid", json()) : json();
  const json size = object.is_object() ? object.value("size", json()) : json();
  if (!oid.is_string() || oid.get<std::string>().size() != 64 ||
      !is_lower_hex(oid.get<std::string>()) || !size.is_number_unsigned()) {
    return object_error(oid, size, 422, "Object needs a 64-hex sha256 oid and a size");
  }
  const Sha256 digest = *Sha256::from_hex(oid.get<std::string>());
  const auto known = context.scope.find(digest);
  if (known == context.scope.end() || !context.in_store(digest)) {
    return object_error(oid, size, 404, "Object does not exist");
  }
  if (known->second != size.get<std::uint64_t>()) {
    return object_error(oid, size, 422, "Object size does not match");
  }
  const json download = {{"href", context.href_base + oid.get<std::string>()},
                         {"expires_in", kExpiresInSeconds}};
  return {
      {"oid", oid}, {"size", size}, {"authenticated", true}, {"actions", {{"download", download}}}};
}

}  // namespace

http::Response lfs_error_response(int status, const std::string& message) {
  http::Response response;
  response.status = status;
  response.headers.set("Content-Type", kLfsMediaType);
  response.body = json{{"message", message}}.dump();
  return response;
}

http::Response answer_lfs_batch(const http::Request& request, const LfsBatchContext& context) {
  if (request.method != "POST") {
    http::Response response = lfs_error_response(405, "The batch API takes POST");
    response.headers.set("Allow", "POST");
    return response;
  }
  if (!accepts_lfs_json(request)) {
    return lfs_error_response(406, std::string("Accept must allow ") + kLfsMediaType);
  }
  const json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) {
    return lfs_error_response(422, "The body is not a JSON object");
  }
  const json operation = body.value("operation", json());
  if (operation == "upload") {
    return lfs_error_response(403, "This mirror is read-only");
  }
  if (operation != "download") {
    return lfs_error_response(422, "operation must be \"download\"");
  }
  if (const json transfers = body.value("transfers", json::array({"basic"}));
      !transfers.is_array() ||
      std::find(transfers.begin(), transfers.end(), json("basic")) == transfers.end()) {
    return lfs_error_response(422, "Only the \"basic\" transfer adapter is offered");
  }
  if (const json algo = body.value("hash_algo", json("sha256")); algo != "sha256") {
    return lfs_error_response(409, "Only sha256 objects are stored");
  }
  const json objects = body.value("objects", json());
  if (!objects.is_array()) {
    return lfs_error_response(422, "objects must be an array");
  }
  if (objects.size() > kMaxLfsBatchObjects) {
    return lfs_error_response(413, "At most 1000 objects per batch request");
  }
  json answered = json::array();
  for (const json& object : objects) {
    answered.push_back(answer_object(object, context));
  }
  http::Response response;
  response.status = 200;
  response.headers.set("Content-Type", kLfsMediaType);
  response.headers.set("Cache-Control", "no-store");
  response.body =
      json{{"transfer", "basic"}, {"objects", std::move(answered)}, {"hash_algo", "sha256"}}.dump();
  return response;
}

}  // namespace mirrord::git
