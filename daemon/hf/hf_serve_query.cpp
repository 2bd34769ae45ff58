// Query-string helpers shared by the Hugging Face endpoints (declared in hf_serve_handlers.hpp).
#include <algorithm>
#include <cctype>

#include "daemon/hf/hf_serve_handlers.hpp"

namespace mirrord::hf {

HfResult<QueryParams> request_query(const http::Request& request) {
  auto params = http::parse_query(request.query);
  if (!params) {
    return bad_request("Malformed query string");
  }
  return std::move(*params);
}

std::optional<std::string> query_value(const QueryParams& params, const std::string& name) {
  std::optional<std::string> value;
  for (const auto& [key, item] : params) {
    if (key == name) {
      value = item;
    }
  }
  return value;
}

bool query_flag(const QueryParams& params, const std::string& name, bool fallback) {
  auto value = query_value(params, name);
  if (!value) {
    return fallback;
  }
  std::transform(value->begin(), value->end(), value->begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return *value == "true" || *value == "1";
}

std::string plural_of_kind(const std::string& kind) {
  return kind + "s";
}

}  // namespace mirrord::hf
