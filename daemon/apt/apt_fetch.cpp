#include "daemon/apt/apt_fetch.hpp"

#include <thread>

#include "daemon/fetch/backoff.hpp"
#include "daemon/fetch/content_range.hpp"

namespace mirrord::apt {
namespace {

Error status_error(const FetchResponse& response, const std::string& url) {
  const std::string message = "HTTP " + std::to_string(response.status) + " for " + url;
  if (response.status == 404 || response.status == 410) {
    return make_error(ErrorCode::kNotFound, message);
  }
  if (response.status == 408 || response.status == 429 || response.status >= 500) {
    return make_error(ErrorCode::kUpstreamRetryable, message);
  }
  return make_error(ErrorCode::kUpstream, message);
}

bool is_success(const FetchResponse& response) {
  return response.status >= 200 && response.status <= 299;
}

// Runs `attempt` until it succeeds, fails for good, or used every attempt.
template <class T, class Attempt>
Result<T> with_retries(const Upstream& upstream, const Attempt& attempt) {
  for (int tried = 1;; ++tried) {
    Result<T> result = attempt();
    if (result || !result.error().retryable() || tried >= upstream.retry.attempts ||
        upstream.cancelled()) {
      return result;
    }
    sleep_unless_cancelled(
        jittered_backoff(tried, upstream.retry.base_delay, upstream.retry.max_delay),
        upstream.cancel);
  }
}

// One download into an ingest, continuing what a kept .part holds.
class BlobDownload {
 public:
  BlobDownload(const Upstream& upstream, BlobStore& store, const std::string& url,
               const ExpectedContent& expected, const ProgressFn& progress)
      : upstream_(upstream), store_(store), url_(url), expected_(expected), progress_(progress) {}

  Result<BlobInfo> run() {
    return with_retries<BlobInfo>(upstream_, [this] { return attempt(); });
  }

 private:
  Result<BlobInfo> attempt() {
    if (!ingest_) {
      MIRRORD_TRY_ASSIGN(ingest_, store_.begin_ingest(expected_));
    }
    const std::uint64_t offset = ingest_->offset();
    if (offset < expected_.size) {
      MIRRORD_TRY(transfer(offset));
    }
    auto committed = ingest_->commit();  // checks size and sha256; a mismatch drops the .part
    ingest_.reset();
    if (!committed) {
      return make_error(committed.error().code, url_ + ": " + committed.error().message);
    }
    return committed;
  }

  Status transfer(std::uint64_t offset) {
    FetchRequest request;
    request.url = url_;
    request.range_start = offset;
    request.max_body_bytes = expected_.size - offset;
    const BodySink sink = [this](std::span<const std::byte> chunk) -> Status {
      MIRRORD_TRY(ingest_->write(chunk));
      if (progress_) {
        progress_(chunk.size());
      }
      return {};
    };
    auto response = upstream_.fetcher.fetch(request, sink, upstream_.cancel);
    if (!response) {
      if (response.error().code == ErrorCode::kSizeMismatch) {
        ingest_->discard();  // longer than Packages/Release promised: none of it can be trusted
        ingest_.reset();
      }
      return make_error(response.error().code, url_ + ": " + response.error().message);
    }
    if (!is_success(*response)) {
      return status_error(*response, url_);
    }
    if (!response_continues_at(*response, offset)) {
      // The server ignored Range: what it sent is not a continuation. Start again from zero.
      ingest_->discard();
      ingest_.reset();
      return make_error(ErrorCode::kUpstreamRetryable, url_ + ": Range not honoured");
    }
    if (ingest_->offset() < expected_.size) {
      return make_error(ErrorCode::kUpstreamRetryable, url_ + ": body ended at byte " +
                                                           std::to_string(ingest_->offset()) +
                                                           " of " + std::to_string(expected_.size));
    }
    return {};
  }

  const Upstream& upstream_;
  BlobStore& store_;
  const std::string& url_;
  const ExpectedContent& expected_;
  const ProgressFn& progress_;
  std::unique_ptr<BlobIngest> ingest_;
};

Result<std::optional<BlobInfo>> find_reusable(const ExpectedContent& expected, Catalog& catalog,
                                              const BlobStore& store) {
  MIRRORD_TRY_ASSIGN(auto blob, catalog.find_blob(*expected.sha256));
  if (blob && blob->size == expected.size && store.contains(blob->sha256)) {
    MIRRORD_TRY(catalog.record_blob(*blob));  // GC's grace period counts from this use
    return blob;
  }
  return std::optional<BlobInfo>();
}

}  // namespace

Result<std::string> fetch_document(const Upstream& upstream, const std::string& url,
                                   std::uint64_t max_bytes) {
  return with_retries<std::string>(upstream, [&]() -> Result<std::string> {
    std::string body;
    FetchRequest request;
    request.url = url;
    request.max_body_bytes = max_bytes;
    const BodySink sink = [&body](std::span<const std::byte> chunk) -> Status {
      body.append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
      return {};
    };
    MIRRORD_TRY_ASSIGN(const FetchResponse response,
                       upstream.fetcher.fetch(request, sink, upstream.cancel));
    if (!is_success(response)) {
      return status_error(response, url);
    }
    return body;
  });
}

Result<BlobInfo> obtain_blob(const Upstream& upstream, BlobStore& store, Catalog& catalog,
                             const std::string& url, const ExpectedContent& expected,
                             const ProgressFn& progress) {
  for (;;) {
    MIRRORD_TRY_ASSIGN(auto reusable, find_reusable(expected, catalog, store));
    if (reusable) {
      if (progress) {
        progress(expected.size);
      }
      return *reusable;
    }
    auto blob = BlobDownload(upstream, store, url, expected, progress).run();
    if (!blob && blob.error().code == ErrorCode::kConflict && !upstream.cancelled()) {
      // Another pull is ingesting the same bytes right now: wait for it, then reuse its blob.
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      continue;
    }
    if (!blob) {
      return blob.error();
    }
    MIRRORD_TRY(catalog.record_blob(*blob));
    return blob;
  }
}

}  // namespace mirrord::apt
