// Answers a GET/HEAD for a blob with the HTTP range rules every ecosystem shares
// (docs: protocols/hf.md §6): no Range -> 200; one satisfiable range (a-b, a-, -n) -> 206 with
// Content-Range; a >= size -> 416 with "Content-Range: bytes */size"; invalid syntax, several
// ranges, or an If-Range that differs from `etag` -> 200 with the full body. HEAD gets the same
// status and headers, no body. Never sets Content-Encoding.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "daemon/http/message.hpp"

namespace mirrord::http {

struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // inclusive
};

enum class RangeDecision { kFull, kPartial, kUnsatisfiable };

struct RangeResult {
  RangeDecision decision = RangeDecision::kFull;
  ByteRange range;  // valid for kPartial
};

// Interprets a Range header value against a body of `size` bytes.
RangeResult evaluate_range(std::optional<std::string_view> range_header, std::uint64_t size);

// `headers` are the caller's (ETag, X-Repo-Commit, Content-Type, ...); Accept-Ranges,
// Content-Range and the body are added here. `etag` is the quoted ETag compared with If-Range.
Response blob_response(const Request& request, std::shared_ptr<UniqueFd> fd, std::uint64_t size,
                       Headers headers, std::string_view etag);

}  // namespace mirrord::http
