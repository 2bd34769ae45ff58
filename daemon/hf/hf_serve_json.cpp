#include "daemon/hf/hf_serve_json.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace mirrord::hf {
namespace {

constexpr std::string_view kJsonType = "application/json; charset=utf-8";
constexpr std::array<std::string_view, 3> kUpstreamHosts = {"huggingface.co", "hf.co",
                                                            "modelscope.cn"};

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool is_upstream_host(std::string_view host) {
  for (std::string_view upstream : kUpstreamHosts) {
    if (host == upstream) {
      return true;
    }
    if (host.size() > upstream.size() && host.ends_with(upstream) &&
        host[host.size() - upstream.size() - 1] == '.') {
      return true;
    }
  }
  return false;
}

// The host of the URL starting right after "://": up to '/', '?', '#', ':' or the end, without
// any "user@" part.
std::string_view host_after_scheme(std::string_view rest) {
  const std::size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  return authority.substr(0, authority.find(':'));
}

bool starts_with_xet(std::string_view key) {
  return key.size() >= 3 && lower(key.substr(0, 3)) == "xet";
}

bool is_unwanted(const nlohmann::json& value) {
  return value.is_string() && mentions_upstream_url(value.get_ref<const std::string&>());
}

}  // namespace

std::string dump_json(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

http::Response json_answer(const http::Request& request, const nlohmann::json& value, int status) {
  return json_text_answer(request, dump_json(value), status);
}

http::Response json_text_answer(const http::Request& request, std::string body, int status) {
  http::Response response;
  response.status = status;
  response.headers.set("Content-Type", std::string(kJsonType));
  if (request.method == "HEAD") {
    response.head_content_length = body.size();
  } else {
    response.body = std::move(body);
  }
  return response;
}

bool mentions_upstream_url(const std::string& text) {
  const std::string lowered = lower(text);
  std::size_t pos = 0;
  while ((pos = lowered.find("://", pos)) != std::string::npos) {
    pos += 3;
    if (is_upstream_host(host_after_scheme(std::string_view(lowered).substr(pos)))) {
      return true;
    }
  }
  return false;
}

void scrub_upstream_json(nlohmann::json& value) {
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end();) {
      if (starts_with_xet(it.key()) || is_unwanted(it.value())) {
        it = value.erase(it);
      } else {
        scrub_upstream_json(it.value());
        ++it;
      }
    }
  } else if (value.is_array()) {
    for (std::size_t i = value.size(); i-- > 0;) {
      if (is_unwanted(value[i])) {
        value.erase(i);
      } else {
        scrub_upstream_json(value[i]);
      }
    }
  }
}

}  // namespace mirrord::hf
