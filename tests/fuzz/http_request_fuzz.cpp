// Fuzzes what the server does with a request's target and headers before and around the route
// handlers: the framing refusals and limits (refusal_status, limit_status), percent_decode,
// split_path, parse_query, and to_wire with handler headers taken from the input (no header may
// split the response).
//
// Input: "METHOD TARGET\n" then header lines "Name: value\n".
// Seeds: tests/fuzz/corpus/http_request.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/http/message.hpp"
#include "daemon/http/wire.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

using namespace mirrord::http;

bool is_unreserved_or_escape(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~' || c == '%';
}

// Decoding what we encoded gives back the original, and the encoding has nothing to decode twice.
void check_round_trip(const std::string& decoded) {
  const std::string encoded = percent_encode(decoded, false);
  for (char c : encoded) {
    FUZZ_CHECK(is_unreserved_or_escape(c));
  }
  const auto again = percent_decode(encoded);
  FUZZ_CHECK(again && *again == decoded);
}

void check_path(std::string_view path) {
  const auto segments = split_path(path);
  std::string joined;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    joined += (i ? "/" : "");
    joined += segments[i];
    FUZZ_CHECK(segments[i].find('/') == std::string_view::npos);
    if (const auto decoded = percent_decode(segments[i])) {
      FUZZ_CHECK(decoded->find('\0') == std::string::npos);
      check_round_trip(*decoded);
    }
  }
  const std::string_view expected = !path.empty() && path.front() == '/' ? path.substr(1) : path;
  FUZZ_CHECK(joined == expected);
}

void check_query(std::string_view query) {
  if (const auto params = parse_query(query)) {
    for (const auto& [name, value] : *params) {
      FUZZ_CHECK(name.find('\0') == std::string::npos);
      FUZZ_CHECK(value.find('\0') == std::string::npos);
    }
  }
}

// The head ends with the one blank line that ends it: no header smuggled a CR, LF or NUL in.
void check_wire(const Headers& headers, int status, bool head_request) {
  Response response;
  response.status = status;
  response.headers = headers;
  response.body = "body";
  WireContext context{head_request, false, true, "0123456789abcdef"};
  const WireResponse wire = to_wire(std::move(response), context);
  FUZZ_CHECK(wire.head.size() >= 4);
  FUZZ_CHECK(wire.head.find("\r\n\r\n") == wire.head.size() - 4);
  FUZZ_CHECK(wire.head.find('\0') == std::string::npos);
  for (std::size_t i = 0; i < wire.head.size(); ++i) {
    if (wire.head[i] == '\n') {
      FUZZ_CHECK(i > 0 && wire.head[i - 1] == '\r');
    }
    if (wire.head[i] == '\r') {
      FUZZ_CHECK(i + 1 < wire.head.size() && wire.head[i + 1] == '\n');
    }
  }
  if (head_request) {
    FUZZ_CHECK(wire.body.empty() && !wire.file);
  }
  FUZZ_CHECK(wire.status >= 100 && wire.status <= 999);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto line_end = input.find('\n');
  const std::string_view request_line = input.substr(0, line_end);
  std::string_view rest =
      line_end == std::string_view::npos ? std::string_view() : input.substr(line_end + 1);
  const auto space = request_line.find(' ');
  const std::string_view method = request_line.substr(0, space);
  const std::string_view target =
      space == std::string_view::npos ? std::string_view() : request_line.substr(space + 1);

  Headers headers;
  while (!rest.empty()) {
    const auto end = rest.find('\n');
    const std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    const auto colon = line.find(':');
    headers.add(std::string(line.substr(0, colon)), colon == std::string_view::npos
                                                        ? std::string()
                                                        : std::string(line.substr(colon + 1)));
  }

  if (const auto status = refusal_status(method, target, headers)) {
    FUZZ_CHECK(*status == 400);
  }
  if (const auto status = limit_status(target, headers)) {
    FUZZ_CHECK(*status == 414 || *status == 431);
  } else {
    FUZZ_CHECK(target.size() <= kMaxRequestTargetBytes);
    FUZZ_CHECK(headers.items().size() <= kMaxHeaderFields);
  }
  const auto question = target.find('?');
  check_path(target.substr(0, question));
  if (question != std::string_view::npos) {
    check_query(target.substr(question + 1));
  }
  const int status = size > 0 ? 100 + data[0] * 2 : 200;
  check_wire(headers, status, method == "HEAD");
  return 0;
}
