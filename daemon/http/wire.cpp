#include "daemon/http/wire.hpp"

#include <atomic>
#include <boost/beast/http/status.hpp>
#include <cstdio>
#include <random>

#include "storage/text.hpp"

namespace mirrord::http {
namespace {

char to_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (to_lower(a[i]) != to_lower(b[i]))
      return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  return trim_any(s, kBlanks);
}

bool is_token_char(unsigned char c) {
  static constexpr std::string_view kSpecials = "!#$%&'*+-.^_`|~";
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         kSpecials.find(static_cast<char>(c)) != std::string_view::npos;
}

// A handler-supplied header is written only if it cannot end the header block early.
bool is_safe_header(std::string_view name, std::string_view value) {
  if (name.empty())
    return false;
  for (unsigned char c : name) {
    if (!is_token_char(c))
      return false;
  }
  for (unsigned char c : value) {
    if (c == '\r' || c == '\n' || c == '\0')
      return false;
  }
  return true;
}

// Headers that describe the connection or the framing belong to the server alone.
bool is_server_owned(std::string_view name) {
  for (std::string_view owned : {"Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive",
                                 "Date", "Server", "X-Request-Id"}) {
    if (iequals(name, owned))
      return true;
  }
  return false;
}

bool has_body_framing(const Headers& headers) {
  if (headers.count("Transfer-Encoding") > 0)
    return true;
  auto length = headers.get("Content-Length");
  return length && trim(*length) != "0";
}

// 1xx and 204 never carry a body nor a Content-Length (RFC 9110 §8.6); 304 carries no body.
bool status_forbids_length(int status) {
  return status < 200 || status == 204;
}
bool status_forbids_body(int status) {
  return status_forbids_length(status) || status == 304;
}

void append_header(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": ").append(value).append("\r\n");
}

std::string status_line(int status) {
  auto reason =
      boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
  std::string line = "HTTP/1.1 " + std::to_string(status) + " ";
  // An unknown code still needs a reason-phrase token of some kind; clients ignore its text.
  line.append(reason.starts_with("<") ? std::string_view("Unknown") : std::string_view(reason));
  line.append("\r\n");
  return line;
}

}  // namespace

std::optional<int> refusal_status(std::string_view method, std::string_view target,
                                  const Headers& headers) {
  constexpr int kBadRequest = 400;
  bool origin_form = !target.empty() && target.front() == '/';
  bool asterisk_form = target == "*" && method == "OPTIONS";
  if (!origin_form && !asterisk_form)
    return kBadRequest;

  std::size_t lengths = headers.count("Content-Length");
  std::size_t encodings = headers.count("Transfer-Encoding");
  if (lengths > 1 || encodings > 1)
    return kBadRequest;
  if (lengths == 1 && encodings == 1)
    return kBadRequest;
  if (lengths == 1 && headers.get("Content-Length")->find(',') != std::string_view::npos) {
    return kBadRequest;
  }
  // Anything but a plain "chunked" leaves the message length to interpretation.
  if (encodings == 1 && !iequals(trim(*headers.get("Transfer-Encoding")), "chunked")) {
    return kBadRequest;
  }
  if ((method == "GET" || method == "HEAD") && has_body_framing(headers))
    return kBadRequest;
  return std::nullopt;
}

std::optional<int> limit_status(std::string_view target, const Headers& headers) {
  if (target.size() > kMaxRequestTargetBytes)
    return 414;
  if (headers.items().size() > kMaxHeaderFields)
    return 431;
  return std::nullopt;
}

WireResponse to_wire(Response response, const WireContext& context) {
  WireResponse wire;
  wire.status = response.status >= 100 && response.status <= 999 ? response.status : 500;
  std::uint64_t length = response.file ? response.file->length : response.body.size();
  if (context.head_request && response.head_content_length) {
    length = *response.head_content_length;
  }
  if (status_forbids_body(wire.status))
    length = 0;

  wire.head = status_line(wire.status);
  std::size_t head_size = 160;  // the server's own headers
  for (const auto& [name, value] : response.headers.items()) {
    head_size += name.size() + value.size() + 4;
  }
  wire.head.reserve(wire.head.size() + head_size);
  for (const auto& [name, value] : response.headers.items()) {
    if (is_server_owned(name) || !is_safe_header(name, value))
      continue;
    append_header(wire.head, name, value);
  }
  if (!status_forbids_length(wire.status)) {
    append_header(wire.head, "Content-Length", std::to_string(length));
  }
  append_header(wire.head, "Date", http_date(std::time(nullptr)));
  append_header(wire.head, "Server", "mirrord");
  append_header(wire.head, "X-Request-Id", context.request_id);
  if (!context.keep_alive) {
    append_header(wire.head, "Connection", "close");
  } else if (context.http10) {
    append_header(wire.head, "Connection", "keep-alive");
  }
  wire.head.append("\r\n");

  if (context.head_request || status_forbids_body(wire.status))
    return wire;
  wire.content_length = length;
  if (response.file) {
    wire.file = std::move(response.file);
  } else {
    wire.body = std::move(response.body);
  }
  return wire;
}

std::string http_date(std::time_t when) {
  // Formatting once a second is plenty: every response of that second shares the text.
  thread_local std::time_t cached_second = -1;
  thread_local std::string cached_text;
  if (when == cached_second)
    return cached_text;
  // Names spelled out rather than strftime's %a/%b, which follow the process locale.
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::tm utc{};
  gmtime_r(&when, &utc);
  char buffer[64];
  int n = std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d GMT",
                        kDays[utc.tm_wday], utc.tm_mday, kMonths[utc.tm_mon], utc.tm_year + 1900,
                        utc.tm_hour, utc.tm_min, utc.tm_sec);
  cached_second = when;
  cached_text.assign(buffer, static_cast<std::size_t>(n));
  return cached_text;
}

std::string next_request_id() {
  static const std::uint32_t prefix = std::random_device{}();
  static std::atomic<std::uint32_t> counter{0};
  const std::uint64_t id =
      (std::uint64_t{prefix} << 32) | counter.fetch_add(1, std::memory_order_relaxed);
  // Formatted by hand: snprintf showed in profiles of small requests.
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text(16, '0');
  for (int i = 15, shift = 0; i >= 0; --i, shift += 4) {
    text[static_cast<std::size_t>(i)] = kHex[(id >> shift) & 0xF];
  }
  return text;
}

std::optional<std::string> sane_request_id(std::optional<std::string_view> header) {
  constexpr std::size_t kMaxRequestIdBytes = 64;
  if (!header || header->empty() || header->size() > kMaxRequestIdBytes) {
    return std::nullopt;
  }
  for (char c : *header) {
    const bool sane = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.' || c == ':';
    if (!sane) {
      return std::nullopt;
    }
  }
  return std::string(*header);
}

}  // namespace mirrord::http
