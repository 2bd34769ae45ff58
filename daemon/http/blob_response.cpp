#include "daemon/http/blob_response.hpp"

#include <limits>
#include <string>

#include "storage/text.hpp"

namespace mirrord::http {
namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

std::string_view trim(std::string_view s) {
  return trim_any(s, kBlanks);
}

bool starts_with_bytes_unit(std::string_view s) {
  static constexpr std::string_view kUnit = "bytes=";
  if (s.size() < kUnit.size())
    return false;
  for (std::size_t i = 0; i < kUnit.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
    if (c != kUnit[i])
      return false;
  }
  return true;
}

// Parses a non-empty run of digits. Values past 2^64-1 saturate: such an offset is past the end
// of any file, and such a suffix or last-byte position covers the whole file.
std::optional<std::uint64_t> parse_position(std::string_view digits) {
  if (digits.empty())
    return std::nullopt;
  std::uint64_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9')
      return std::nullopt;
    auto digit = static_cast<std::uint64_t>(c - '0');
    value = value > (kMax - digit) / 10 ? kMax : value * 10 + digit;
  }
  return value;
}

RangeResult full() {
  return RangeResult{RangeDecision::kFull, {}};
}
RangeResult unsatisfiable() {
  return RangeResult{RangeDecision::kUnsatisfiable, {}};
}
RangeResult partial(std::uint64_t first, std::uint64_t last) {
  return RangeResult{RangeDecision::kPartial, ByteRange{first, last}};
}

RangeResult evaluate_suffix(std::string_view length_digits, std::uint64_t size) {
  auto length = parse_position(length_digits);
  if (!length)
    return full();
  // RFC 9110 §14.1.1: a zero suffix length selects nothing, so it cannot be satisfied.
  if (*length == 0)
    return unsatisfiable();
  std::uint64_t count = std::min(*length, size);
  return partial(size - count, size - 1);
}

std::string content_range(const ByteRange& range, std::uint64_t size) {
  return "bytes " + std::to_string(range.first) + "-" + std::to_string(range.last) + "/" +
         std::to_string(size);
}

}  // namespace

RangeResult evaluate_range(std::optional<std::string_view> range_header, std::uint64_t size) {
  if (!range_header)
    return full();
  std::string_view value = trim(*range_header);
  if (!starts_with_bytes_unit(value))
    return full();
  // hf.md §6: an empty file has no byte to select, whatever range is asked for.
  if (size == 0)
    return unsatisfiable();
  std::string_view spec = value.substr(6);
  // Several ranges: answering with the whole body is allowed and defeats overlapping-range abuse.
  if (spec.find(',') != std::string_view::npos)
    return full();
  auto dash = spec.find('-');
  if (dash == std::string_view::npos)
    return full();
  if (dash == 0)
    return evaluate_suffix(spec.substr(1), size);
  auto first = parse_position(spec.substr(0, dash));
  if (!first)
    return full();
  std::string_view last_digits = spec.substr(dash + 1);
  std::uint64_t last = kMax;
  if (!last_digits.empty()) {
    auto parsed = parse_position(last_digits);
    if (!parsed || *parsed < *first)
      return full();
    last = *parsed;
  }
  if (*first >= size)
    return unsatisfiable();
  return partial(*first, std::min(last, size - 1));
}

Response blob_response(const Request& request, std::shared_ptr<UniqueFd> fd, std::uint64_t size,
                       Headers headers, std::string_view etag) {
  RangeResult range = evaluate_range(request.headers.get("Range"), size);
  auto if_range = request.headers.get("If-Range");
  // A stale validator means the client's partial copy is of other bytes: send everything.
  if (range.decision != RangeDecision::kFull && if_range && *if_range != etag)
    range = full();

  Response response;
  response.headers = std::move(headers);
  response.headers.remove("Content-Encoding");
  response.headers.set("Accept-Ranges", "bytes");
  const bool head = request.method == "HEAD";
  std::uint64_t offset = 0;
  std::uint64_t length = size;
  switch (range.decision) {
    case RangeDecision::kFull:
      response.status = 200;
      break;
    case RangeDecision::kPartial:
      response.status = 206;
      offset = range.range.first;
      length = range.range.last - range.range.first + 1;
      response.headers.set("Content-Range", content_range(range.range, size));
      break;
    case RangeDecision::kUnsatisfiable:
      response.status = 416;
      length = 0;
      response.headers.set("Content-Range", "bytes */" + std::to_string(size));
      break;
  }
  if (head) {
    response.head_content_length = length;
  } else if (length > 0) {
    response.file = FileBody{std::move(fd), offset, length};
  }
  return response;
}

}  // namespace mirrord::http
