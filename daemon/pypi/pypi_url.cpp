#include "daemon/pypi/pypi_url.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "daemon/http/message.hpp"
#include "storage/text.hpp"

namespace mirrord::pypi {
namespace {

struct UrlParts {
  std::optional<std::string_view> scheme;
  std::optional<std::string_view> authority;
  std::string_view path;
  std::optional<std::string_view> query;
  std::optional<std::string_view> fragment;
};

bool is_scheme_char(char c, bool first) {
  const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  return first ? alpha : (alpha || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.');
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return out;
}

// RFC 3986 appendix B, without a regex.
UrlParts split(std::string_view url) {
  UrlParts parts;
  if (const std::size_t hash = url.find('#'); hash != std::string_view::npos) {
    parts.fragment = url.substr(hash + 1);
    url = url.substr(0, hash);
  }
  if (const std::size_t question = url.find('?'); question != std::string_view::npos) {
    parts.query = url.substr(question + 1);
    url = url.substr(0, question);
  }
  const std::size_t colon = url.find(':');
  if (colon != std::string_view::npos && colon > 0 && url.find('/') > colon) {
    const std::string_view scheme = url.substr(0, colon);
    bool valid = true;
    for (std::size_t i = 0; i < scheme.size(); ++i) {
      valid = valid && is_scheme_char(scheme[i], i == 0);
    }
    if (valid) {
      parts.scheme = scheme;
      url = url.substr(colon + 1);
    }
  }
  if (url.starts_with("//")) {
    url = url.substr(2);
    const std::size_t slash = url.find('/');
    parts.authority = url.substr(0, slash);
    url = slash == std::string_view::npos ? std::string_view() : url.substr(slash);
  }
  parts.path = url;
  return parts;
}

// RFC 3986 §5.2.4.
std::string remove_dot_segments(std::string_view path) {
  std::vector<std::string_view> output;
  const bool absolute = path.starts_with('/');
  std::size_t pos = absolute ? 1 : 0;
  bool trailing_slash = false;
  while (pos <= path.size()) {
    const std::size_t slash = path.find('/', pos);
    const std::string_view segment =
        path.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    const bool last = slash == std::string_view::npos;
    trailing_slash = false;
    if (segment == "..") {
      if (!output.empty()) {
        output.pop_back();
      }
      trailing_slash = true;
    } else if (segment == ".") {
      trailing_slash = true;
    } else {
      output.push_back(segment);
    }
    if (last) {
      break;
    }
    pos = slash + 1;
  }
  std::string out = absolute ? "/" : "";
  for (std::size_t i = 0; i < output.size(); ++i) {
    out += (i == 0 ? "" : "/") + std::string(output[i]);
  }
  if (trailing_slash && !out.ends_with('/')) {
    out += '/';
  }
  return out;
}

std::string merge_paths(const UrlParts& base, std::string_view reference_path) {
  if (base.authority && base.path.empty()) {
    return "/" + std::string(reference_path);
  }
  const std::size_t slash = base.path.rfind('/');
  if (slash == std::string_view::npos) {
    return std::string(reference_path);
  }
  return std::string(base.path.substr(0, slash + 1)) + std::string(reference_path);
}

bool has_forbidden_char(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c < 0x20 || c == 0x7f || c == '\\' || c == ' ';
  });
}

bool valid_host(std::string_view host) {
  if (host.empty()) {
    return false;
  }
  if (host.front() == '[') {  // IPv6 literal
    return host.back() == ']' && host.size() > 2 &&
           std::all_of(host.begin() + 1, host.end() - 1, [](char c) {
             return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
           });
  }
  return std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.';
  });
}

std::string join(const UrlParts& parts) {
  std::string out;
  if (parts.scheme) {
    out += lower(*parts.scheme) + ":";
  }
  if (parts.authority) {
    out += "//" + std::string(*parts.authority);
  }
  out += parts.path;
  if (parts.query) {
    out += "?" + std::string(*parts.query);
  }
  if (parts.fragment) {
    out += "#" + std::string(*parts.fragment);
  }
  return out;
}

// Leading and trailing ASCII whitespace is not part of an href (HTML's "valid URL" rules).
std::string_view trim(std::string_view text) {
  return trim_any(text, kHtmlSpace);
}

}  // namespace

std::optional<std::string> resolve_url(std::string_view base_url, std::string_view reference) {
  reference = trim(reference);
  if (has_forbidden_char(reference) || has_forbidden_char(base_url)) {
    return std::nullopt;
  }
  const UrlParts base = split(base_url);
  if (!base.scheme || !base.authority) {
    return std::nullopt;
  }
  const UrlParts ref = split(reference);
  UrlParts target;
  std::string path;  // owns the merged path
  if (ref.scheme) {
    target = ref;
    path = remove_dot_segments(ref.path);
  } else if (ref.authority) {
    target = ref;
    target.scheme = base.scheme;
    path = remove_dot_segments(ref.path);
  } else {
    target.scheme = base.scheme;
    target.authority = base.authority;
    target.query = ref.query;
    if (ref.path.empty()) {
      path = std::string(base.path);
      if (!ref.query) {
        target.query = base.query;
      }
    } else if (ref.path.starts_with('/')) {
      path = remove_dot_segments(ref.path);
    } else {
      path = remove_dot_segments(merge_paths(base, ref.path));
    }
  }
  target.fragment = ref.fragment;
  target.path = path;
  std::string resolved = join(target);
  if (!url_host(resolved)) {
    return std::nullopt;
  }
  return resolved;
}

std::optional<std::string> url_host(std::string_view url) {
  const UrlParts parts = split(url);
  if (!parts.scheme || !parts.authority) {
    return std::nullopt;
  }
  const std::string scheme = lower(*parts.scheme);
  if (scheme != "http" && scheme != "https") {
    return std::nullopt;
  }
  std::string_view authority = *parts.authority;
  if (authority.find('@') != std::string_view::npos) {
    return std::nullopt;  // credentials in a link: never followed
  }
  std::string_view host = authority;
  const std::size_t bracket = authority.rfind(']');
  const std::size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    const std::string_view port = authority.substr(colon + 1);
    if (!std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        port.size() > 5) {
      return std::nullopt;
    }
    host = authority.substr(0, colon);
  }
  if (!valid_host(host)) {
    return std::nullopt;
  }
  return lower(host);
}

std::string_view without_fragment(std::string_view url) {
  return url.substr(0, url.find('#'));
}

std::string_view fragment_of(std::string_view url) {
  const std::size_t hash = url.find('#');
  return hash == std::string_view::npos ? std::string_view() : url.substr(hash + 1);
}

std::optional<std::string> url_filename(std::string_view url) {
  std::string_view path = without_fragment(url);
  path = path.substr(0, path.find('?'));
  const std::size_t slash = path.rfind('/');
  const std::string_view segment = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (segment.empty()) {
    return std::nullopt;
  }
  return http::percent_decode(segment);
}

}  // namespace mirrord::pypi
