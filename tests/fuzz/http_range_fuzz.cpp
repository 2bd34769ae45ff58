// Fuzzes the Range header against a blob size: evaluate_range and blob_response. A partial answer
// must stay inside the blob, a HEAD must carry no body, and 416 must say the size.
//
// Input: 8 bytes (little-endian): the blob size in the low 40 bits, a HEAD request when bit 0 of
// the last byte is set; then the Range value, and after a newline the If-Range value.
// Seeds: tests/fuzz/corpus/http_range.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "daemon/http/blob_response.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

using namespace mirrord::http;

constexpr std::string_view kEtag = "\"abc\"";

void check_response(const Request& request, std::uint64_t blob_size) {
  const Response response =
      blob_response(request, std::make_shared<mirrord::UniqueFd>(), blob_size, {}, kEtag);
  const bool head = request.method == "HEAD";
  switch (response.status) {
    case 200:
      FUZZ_CHECK(!response.headers.get("Content-Range"));
      if (!head && blob_size > 0) {
        FUZZ_CHECK(response.file && response.file->offset == 0 &&
                   response.file->length == blob_size);
      }
      break;
    case 206: {
      FUZZ_CHECK(response.headers.get("Content-Range").has_value());
      const std::uint64_t length = head ? *response.head_content_length : response.file->length;
      const std::uint64_t offset = head ? 0 : response.file->offset;
      FUZZ_CHECK(length > 0 && length <= blob_size && offset < blob_size &&
                 offset + length <= blob_size);
      break;
    }
    case 416:
      FUZZ_CHECK(!response.file);
      FUZZ_CHECK(response.headers.get("Content-Range") ==
                 std::optional<std::string_view>("bytes */" + std::to_string(blob_size)));
      break;
    default:
      FUZZ_CHECK(false);
  }
  if (head) {
    FUZZ_CHECK(!response.file && response.body.empty() && response.head_content_length);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 8) {
    return 0;
  }
  std::uint64_t blob_size = 0;
  for (int i = 4; i >= 0; --i) {
    blob_size = (blob_size << 8) | data[i];
  }
  const bool head = (data[7] & 1) != 0;
  std::string_view value(reinterpret_cast<const char*>(data + 8), size - 8);
  const auto newline = value.find('\n');
  const std::string_view range = value.substr(0, newline);

  const RangeResult result = evaluate_range(range, blob_size);
  if (result.decision == RangeDecision::kPartial) {
    FUZZ_CHECK(result.range.first <= result.range.last && result.range.last < blob_size);
  }
  if (blob_size == 0) {
    FUZZ_CHECK(result.decision != RangeDecision::kPartial);
  }
  FUZZ_CHECK(evaluate_range(std::nullopt, blob_size).decision == RangeDecision::kFull);

  Request request;
  request.method = head ? "HEAD" : "GET";
  request.headers.add("Range", std::string(range));
  if (newline != std::string_view::npos) {
    request.headers.add("If-Range", std::string(value.substr(newline + 1)));
  }
  check_response(request, blob_size);
  return 0;
}
