#include "daemon/fetch/curl_transfer.hpp"

#include <charconv>

#include "daemon/fetch/content_range.hpp"
#include "storage/text.hpp"

namespace mirrord {
namespace {

std::string_view trim(std::string_view text) {
  return trim_any(text, " \t\r\n");
}

// "HTTP/1.1 200 OK", "HTTP/2 404": the three-digit code after the first space.
long parse_status_code(std::string_view status_line) {
  const auto space = status_line.find(' ');
  if (space == std::string_view::npos || status_line.size() < space + 4) {
    return 0;
  }
  long code = 0;
  const char* begin = status_line.data() + space + 1;
  const auto [end, ec] = std::from_chars(begin, begin + 3, code);
  return ec == std::errc() && end == begin + 3 ? code : 0;
}

std::optional<std::uint64_t> parse_length(std::string_view value) {
  value = trim(value);
  std::uint64_t length = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), length);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size()) {
    return std::nullopt;
  }
  return length;
}

}  // namespace

CurlTransfer::CurlTransfer(const FetchRequest& request, const BodySink& sink,
                           const std::atomic<bool>* cancel, std::string redacted_url)
    : request_(request), sink_(sink), cancel_(cancel), redacted_url_(std::move(redacted_url)) {}

bool CurlTransfer::fail(ErrorCode code, std::string message) {
  failure_ = make_error(code, std::move(message) + " (" + redacted_url_ + ")");
  return false;
}

bool CurlTransfer::on_header_line(std::string_view line) {
  if (line.starts_with("HTTP/")) {
    // A new response (after a redirect or a 1xx): forget the previous one's headers.
    response_.status = parse_status_code(line);
    response_.headers.clear();
    header_bytes_ = 0;
    body_use_ = BodyUse::kUndecided;
    return true;
  }
  header_bytes_ += line.size();
  if (header_bytes_ > kMaxHeaderBytes || response_.headers.size() >= kMaxHeaderCount) {
    return fail(ErrorCode::kUpstream, "response headers too large");
  }
  if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
    if (!response_.headers.empty()) {  // obsolete line folding: continues the previous value
      response_.headers.back().second += " " + std::string(trim(line));
    }
    return true;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) {
    return true;  // the blank line ending the headers, or noise
  }
  response_.headers.emplace_back(std::string(trim(line.substr(0, colon))),
                                 std::string(trim(line.substr(colon + 1))));
  return true;
}

CurlTransfer::BodyUse CurlTransfer::decide_body_use() {
  if (response_.status < 200 || response_.status > 299) {
    return BodyUse::kDiscard;
  }
  const auto encoding = response_.header("Content-Encoding");
  if (encoding && trim(*encoding) != "identity") {
    // We asked for identity: encoded bytes would be hashed as if they were the file.
    fail(ErrorCode::kUpstream, "unrequested Content-Encoding " + std::string(trim(*encoding)));
    return BodyUse::kUndecided;
  }
  if (!response_continues_at(response_, request_.range_start)) {
    stopped_early_ = true;  // the caller sees the status and decides (e.g. restart from zero)
    return BodyUse::kUndecided;
  }
  const auto announced = response_.header("Content-Length");
  const auto length = announced ? parse_length(*announced) : std::nullopt;
  if (length && *length > request_.max_body_bytes) {
    fail(ErrorCode::kSizeMismatch, "announced body of " + std::to_string(*length) +
                                       " bytes exceeds the limit of " +
                                       std::to_string(request_.max_body_bytes));
    return BodyUse::kUndecided;
  }
  return BodyUse::kSink;
}

bool CurlTransfer::on_body(std::span<const std::byte> chunk) {
  if (body_use_ == BodyUse::kUndecided) {
    body_use_ = decide_body_use();
    if (body_use_ == BodyUse::kUndecided) {
      return false;
    }
  }
  if (body_use_ == BodyUse::kDiscard) {
    discarded_bytes_ += chunk.size();
    if (discarded_bytes_ > kMaxDiscardedBytes) {
      stopped_early_ = true;
      return false;
    }
    return true;
  }
  if (cancelled()) {
    return fail(ErrorCode::kCancelled, "download cancelled");
  }
  if (chunk.size() > request_.max_body_bytes - response_.body_bytes) {
    return fail(ErrorCode::kSizeMismatch, "body longer than the limit of " +
                                              std::to_string(request_.max_body_bytes) + " bytes");
  }
  if (auto written = sink_(chunk); !written) {
    failure_ = written.error();
    return false;
  }
  response_.body_bytes += chunk.size();
  return true;
}

bool CurlTransfer::keep_going() {
  if (failure_) {
    return false;
  }
  if (cancelled()) {
    return fail(ErrorCode::kCancelled, "download cancelled");
  }
  return true;
}

std::size_t curl_header_callback(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<CurlTransfer*>(user);
  const std::size_t bytes = size * count;
  return transfer->on_header_line(std::string_view(data, bytes)) ? bytes : 0;
}

std::size_t curl_write_callback(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<CurlTransfer*>(user);
  const std::size_t bytes = size * count;
  const std::span<const std::byte> chunk(reinterpret_cast<const std::byte*>(data), bytes);
  return transfer->on_body(chunk) ? bytes : 0;  // a short count makes curl abort
}

int curl_progress_callback(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<CurlTransfer*>(user)->keep_going() ? 0 : 1;
}

}  // namespace mirrord
