#include "daemon/http/message.hpp"

#include <algorithm>

namespace mirrord::http {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

// Decodes one component; '+' becomes a space only in query strings (form encoding).
std::optional<std::string> decode_component(std::string_view in, bool plus_as_space) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size())
        return std::nullopt;  // truncated escape
      int high = hex_value(in[i + 1]);
      int low = hex_value(in[i + 2]);
      if (high < 0 || low < 0)
        return std::nullopt;
      c = static_cast<char>(high * 16 + low);
      i += 2;
    } else if (c == '+' && plus_as_space) {
      c = ' ';
    }
    // A NUL would truncate the name wherever it reaches a C API.
    if (c == '\0')
      return std::nullopt;
    out.push_back(c);
  }
  return out;
}

}  // namespace

void Headers::set(std::string name, std::string value) {
  auto first = std::find_if(items_.begin(), items_.end(),
                            [&](const auto& item) { return iequals(item.first, name); });
  if (first == items_.end()) {
    items_.emplace_back(std::move(name), std::move(value));
    return;
  }
  first->second = std::move(value);
  auto index = first - items_.begin();
  items_.erase(std::remove_if(items_.begin() + index + 1, items_.end(),
                              [&](const auto& item) { return iequals(item.first, name); }),
               items_.end());
}

void Headers::remove(std::string_view name) {
  items_.erase(std::remove_if(items_.begin(), items_.end(),
                              [&](const auto& item) { return iequals(item.first, name); }),
               items_.end());
}

std::optional<std::string_view> Headers::get(std::string_view name) const {
  for (const auto& [key, value] : items_) {
    if (iequals(key, name))
      return std::string_view(value);
  }
  return std::nullopt;
}

std::size_t Headers::count(std::string_view name) const {
  return static_cast<std::size_t>(std::count_if(
      items_.begin(), items_.end(), [&](const auto& item) { return iequals(item.first, name); }));
}

Response json_response(int status, std::string body) {
  Response response;
  response.status = status;
  response.headers.set("Content-Type", "application/json; charset=utf-8");
  response.body = std::move(body);
  return response;
}

Response text_response(int status, std::string body, std::string content_type) {
  Response response;
  response.status = status;
  response.headers.set("Content-Type", std::move(content_type));
  response.body = std::move(body);
  return response;
}

std::optional<std::string> percent_decode(std::string_view in) {
  return decode_component(in, /*plus_as_space=*/false);
}

std::string percent_encode(std::string_view in, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(in.size());
  for (unsigned char c : in) {
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::vector<std::string_view> split_path(std::string_view raw_path) {
  if (!raw_path.empty() && raw_path.front() == '/')
    raw_path.remove_prefix(1);
  std::vector<std::string_view> segments;
  if (raw_path.empty())
    return segments;
  while (true) {
    auto slash = raw_path.find('/');
    segments.push_back(raw_path.substr(0, slash));
    if (slash == std::string_view::npos)
      break;
    raw_path.remove_prefix(slash + 1);
  }
  return segments;
}

std::optional<std::vector<std::pair<std::string, std::string>>> parse_query(std::string_view q) {
  std::vector<std::pair<std::string, std::string>> params;
  while (!q.empty()) {
    auto amp = q.find('&');
    std::string_view piece = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    if (piece.empty())
      continue;  // "a=1&&b=2" has an empty piece, not a parameter
    auto eq = piece.find('=');
    auto name = decode_component(piece.substr(0, eq), true);
    auto value = decode_component(
        eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1), true);
    if (!name || !value)
      return std::nullopt;
    params.emplace_back(std::move(*name), std::move(*value));
  }
  return params;
}

}  // namespace mirrord::http
