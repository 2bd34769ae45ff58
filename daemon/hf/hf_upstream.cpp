#include "daemon/hf/hf_upstream.hpp"

#include <algorithm>

#include "daemon/fetch/backoff.hpp"
#include "daemon/fetch/url.hpp"

namespace mirrord {
namespace {

// API documents are small (a 100k-file repo lists in a few MiB); anything bigger is hostile.
constexpr std::uint64_t kMaxApiDocumentBytes = 32ull << 20;

// Upstream header text quoted in our messages: no control characters, bounded length.
std::string printable(std::string_view text) {
  std::string out;
  for (const char ch : text.substr(0, 200)) {
    const auto c = static_cast<unsigned char>(ch);
    out.push_back(c < 0x20 || c == 0x7f ? '?' : ch);
  }
  return out;
}

bool is_retryable_status(long status) {
  return status == 408 || status == 429 || (status >= 500 && status <= 599);
}

}  // namespace

Error upstream_http_error(const FetchResponse& response, std::string_view what,
                          std::optional<std::chrono::seconds>* retry_after) {
  const std::string code = printable(response.header("X-Error-Code").value_or(""));
  std::string detail =
      std::string(what) + ": upstream answered HTTP " + std::to_string(response.status);
  if (!code.empty()) {
    detail += " " + code;
  }
  if (const auto message = response.header("X-Error-Message")) {
    detail += " (" + printable(*message) + ")";
  }
  if ((response.status == 401 || response.status == 403) && code == "GatedRepo") {
    return make_error(ErrorCode::kPolicy,
                      "repo is gated: accept its licence with the token's account; " + detail);
  }
  if (response.status == 404 || response.status == 410 ||
      (response.status == 401 && code == "RepoNotFound")) {
    return make_error(ErrorCode::kNotFound, detail);
  }
  if (is_retryable_status(response.status)) {
    if (const auto header = response.header("Retry-After"); header && retry_after != nullptr) {
      *retry_after = parse_retry_after(*header);
    }
    return make_error(ErrorCode::kUpstreamRetryable, detail);
  }
  return make_error(ErrorCode::kUpstream, detail);
}

std::chrono::milliseconds retry_delay(const RetryPolicy& policy, int retry,
                                      std::optional<std::chrono::seconds> retry_after) {
  if (retry_after) {
    return std::min<std::chrono::milliseconds>(*retry_after, kMaxRetryAfterWait);
  }
  return jittered_backoff(retry, policy.base_delay, policy.max_delay);
}

Status with_retries(const UpstreamContext& context, const UpstreamAttempt& attempt) {
  const int max_attempts = std::max(1, context.policy.max_attempts);
  for (int tries = 1;; ++tries) {
    if (context.cancelled()) {
      return make_error(ErrorCode::kCancelled, "cancelled");
    }
    std::optional<std::chrono::seconds> retry_after;
    Status status = attempt(&retry_after);
    if (status.ok() || !status.error().retryable() || tries >= max_attempts) {
      return status;
    }
    if (retry_after && *retry_after > kMaxRetryAfterWait) {
      // Asked to come back much later: give up now rather than hold a worker for that long.
      return make_error(
          ErrorCode::kUpstreamRetryable,
          status.error().message + "; Retry-After " + std::to_string(retry_after->count()) + " s");
    }
    context.sleep(retry_delay(context.policy, tries, retry_after), context.cancel);
  }
}

Result<ApiDocument> get_api_document(const UpstreamContext& context, const std::string& url,
                                     std::string_view what) {
  ApiDocument document;
  Status fetched =
      with_retries(context, [&](std::optional<std::chrono::seconds>* retry_after) -> Status {
        document = ApiDocument{};
        FetchRequest request;
        request.url = url;
        request.headers = {"Accept: application/json"};
        request.max_body_bytes = kMaxApiDocumentBytes;
        const BodySink sink = [&document](std::span<const std::byte> chunk) {
          document.body.append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
          return Status{};
        };
        MIRRORD_TRY_ASSIGN(document.response, context.fetcher.fetch(request, sink, context.cancel));
        if (document.response.status < 200 || document.response.status > 299) {
          return upstream_http_error(document.response, what, retry_after);
        }
        return Status{};
      });
  if (!fetched) {
    return fetched.error();
  }
  return document;
}

Status on_each_endpoint(const std::vector<std::string>& endpoints,
                        const std::function<Status(const std::string& endpoint)>& on_endpoint) {
  std::optional<Error> last;
  for (const auto& endpoint : endpoints) {
    Status status = on_endpoint(endpoint);
    if (status.ok() || !status.error().retryable()) {
      return status;
    }
    last = status.error();
  }
  if (!last) {
    return make_error(ErrorCode::kInvalidInput, "no upstream endpoint configured");
  }
  return make_error(ErrorCode::kUpstreamRetryable, "every upstream endpoint failed (" +
                                                       std::to_string(endpoints.size()) +
                                                       " tried); last: " + last->message);
}

}  // namespace mirrord
