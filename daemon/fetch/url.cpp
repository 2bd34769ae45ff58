#include "daemon/fetch/url.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>

namespace mirrord {
namespace {

struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

struct CurlStringDeleter {
  void operator()(char* text) const { curl_free(text); }
};
using CurlString = std::unique_ptr<char, CurlStringDeleter>;

UrlHandle parse_url(std::string_view text) {
  UrlHandle url(curl_url());
  if (!url) {
    return nullptr;
  }
  const std::string copy(text);  // curl wants a NUL-terminated string
  if (curl_url_set(url.get(), CURLUPART_URL, copy.c_str(), 0) != CURLUE_OK) {
    return nullptr;
  }
  return url;
}

std::optional<std::string> url_part(CURLU* url, CURLUPart part, unsigned flags = 0) {
  char* raw = nullptr;
  if (curl_url_get(url, part, &raw, flags) != CURLUE_OK || raw == nullptr) {
    return std::nullopt;
  }
  CurlString owned(raw);
  return std::string(owned.get());
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool is_unreserved(unsigned char c) {
  return std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~';
}

}  // namespace

std::string percent_encode(std::string_view text, std::string_view keep) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c) || keep.find(ch) != std::string_view::npos) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0f]);
    }
  }
  return out;
}

std::string redact_url(std::string_view text) {
  const UrlHandle url = parse_url(text);
  if (!url) {
    return "<unparseable url>";
  }
  const auto scheme = url_part(url.get(), CURLUPART_SCHEME);
  const auto host = url_part(url.get(), CURLUPART_HOST);
  if (!scheme || !host) {
    return "<unparseable url>";
  }
  std::string out = *scheme + "://";
  if (url_part(url.get(), CURLUPART_USER) || url_part(url.get(), CURLUPART_PASSWORD)) {
    out += "<userinfo>@";
  }
  out += *host;
  if (const auto port = url_part(url.get(), CURLUPART_PORT)) {
    out += ":" + *port;
  }
  out += url_part(url.get(), CURLUPART_PATH).value_or("/");
  if (url_part(url.get(), CURLUPART_QUERY)) {
    out += "?<query>";
  }
  if (url_part(url.get(), CURLUPART_FRAGMENT)) {
    out += "#<fragment>";
  }
  return out;
}

std::optional<std::string> url_origin(std::string_view text) {
  const UrlHandle url = parse_url(text);
  if (!url) {
    return std::nullopt;
  }
  const auto scheme = url_part(url.get(), CURLUPART_SCHEME);
  const auto host = url_part(url.get(), CURLUPART_HOST);
  const auto port = url_part(url.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  if (!scheme || !host || !port) {
    return std::nullopt;
  }
  const std::string scheme_lower = lower(*scheme);
  if (scheme_lower != "http" && scheme_lower != "https") {
    return std::nullopt;
  }
  return scheme_lower + "://" + lower(*host) + ":" + *port;
}

}  // namespace mirrord
