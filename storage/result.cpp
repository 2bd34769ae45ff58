#include "storage/result.hpp"

namespace mirrord {

const char* to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidInput:
      return "invalid input";
    case ErrorCode::kNotFound:
      return "not found";
    case ErrorCode::kDigestMismatch:
      return "digest mismatch";
    case ErrorCode::kSizeMismatch:
      return "size mismatch";
    case ErrorCode::kIo:
      return "I/O error";
    case ErrorCode::kNoSpace:
      return "no space left";
    case ErrorCode::kUpstream:
      return "upstream error";
    case ErrorCode::kUpstreamRetryable:
      return "upstream temporarily unavailable";
    case ErrorCode::kCancelled:
      return "cancelled";
    case ErrorCode::kPolicy:
      return "refused by policy";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kInternal:
      return "internal error";
  }
  return "unknown error";
}

}  // namespace mirrord
