#include "daemon/hf/hf_file_download.hpp"

#include "daemon/fetch/content_range.hpp"

namespace mirrord {
namespace {

// Regular files are verified by their git blob id, LFS files by their sha256 (protocols/hf.md
// §13.1); the store computes both either way.
ExpectedContent expected_content(const ManifestEntry& entry) {
  ExpectedContent expected;
  expected.size = entry.size;
  if (entry.lfs) {
    expected.sha256 = entry.sha256;
    expected.compute_git_oid = false;
  } else {
    expected.git_oid = entry.tree_oid;
  }
  return expected;
}

}  // namespace

HfFileDownload::HfFileDownload(const UpstreamContext& context, BlobStore& store,
                               const ManifestEntry& entry, const ProgressFn& progress)
    : context_(context),
      store_(store),
      entry_(entry),
      progress_(progress),
      expected_(expected_content(entry)) {}

Error HfFileDownload::about_file(Error error) const {
  error.message = entry_.path + ": " + error.message;
  return error;
}

Status HfFileDownload::start() {
  auto ingest = store_.begin_ingest(expected_);
  if (!ingest) {
    return about_file(ingest.error());
  }
  ingest_ = std::move(ingest).value();
  return {};
}

// The kept bytes are useless when the server will not continue them: drop them and begin again.
Status HfFileDownload::restart_from_zero() {
  ingest_->discard();
  ingest_.reset();  // releases the store's claim on this content before claiming it again
  return start();
}

Result<BlobInfo> HfFileDownload::commit() {
  auto committed = ingest_->commit();  // a digest mismatch names both digests
  if (!committed) {
    return about_file(committed.error());
  }
  return committed;
}

Result<std::optional<BlobInfo>> HfFileDownload::attempt(
    const std::string& url, std::optional<std::chrono::seconds>* retry_after) {
  const std::uint64_t offset = ingest_->offset();
  if (offset == entry_.size) {
    MIRRORD_TRY_ASSIGN(BlobInfo info, commit());  // everything is already in the .part
    return std::optional<BlobInfo>(info);
  }
  FetchRequest request;
  request.url = url;
  request.range_start = offset;
  request.max_body_bytes = entry_.size - offset;
  const BodySink sink = [this](std::span<const std::byte> chunk) -> Status {
    MIRRORD_TRY(ingest_->write(chunk));
    if (progress_) {
      progress_(chunk.size());
    }
    return {};
  };
  auto fetched = context_.fetcher.fetch(request, sink, context_.cancel);
  if (!fetched) {
    if (fetched.error().code == ErrorCode::kSizeMismatch) {
      ingest_->discard();  // more bytes than the manifest promised: none of them can be trusted
    }
    return about_file(fetched.error());
  }
  const FetchResponse& response = *fetched;
  if (response.status == 416 && offset > 0) {
    MIRRORD_TRY(restart_from_zero());
    return std::optional<BlobInfo>();
  }
  if (response.status < 200 || response.status > 299) {
    return about_file(upstream_http_error(response, "download", retry_after));
  }
  if (!response_continues_at(response, offset)) {
    if (offset == 0) {
      return about_file(make_error(ErrorCode::kUpstream, "HTTP 206 for a request without Range"));
    }
    MIRRORD_TRY(restart_from_zero());  // Range ignored: appending would corrupt the .part
    return std::optional<BlobInfo>();
  }
  if (ingest_->offset() < entry_.size) {
    return about_file(make_error(ErrorCode::kUpstreamRetryable,
                                 "body ended at byte " + std::to_string(ingest_->offset()) +
                                     " of " + std::to_string(entry_.size)));
  }
  MIRRORD_TRY_ASSIGN(BlobInfo info, commit());
  return std::optional<BlobInfo>(info);
}

Result<BlobInfo> HfFileDownload::from(const std::string& resolve_url) {
  std::optional<BlobInfo> done;
  Status status = with_retries(context_, [&](std::optional<std::chrono::seconds>* retry_after) {
    // A restart from zero is free (it is not a failure of this try), but happens once: the
    // request after it carries no Range, so a second one means the .part could not be dropped.
    for (int restarts = 0;; ++restarts) {
      if (restarts > 1) {
        return Status(about_file(make_error(ErrorCode::kIo, "cannot restart from zero")));
      }
      auto outcome = attempt(resolve_url, retry_after);
      if (!outcome) {
        return Status(outcome.error());
      }
      if (*outcome) {
        done = **outcome;
        return Status{};
      }
    }
  });
  if (!status) {
    return status.error();
  }
  return *done;
}

}  // namespace mirrord
