// Private to the Hugging Face upstream side: downloading one manifest file into the BlobStore,
// resuming a kept .part, restarting when a server ignores Range, and verifying at commit.
#pragma once

#include <memory>
#include <string>

#include "daemon/hf/hf_source.hpp"
#include "daemon/hf/hf_upstream.hpp"
#include "storage/blob_store.hpp"

namespace mirrord {

class HfFileDownload {
 public:
  HfFileDownload(const UpstreamContext& context, BlobStore& store, const ManifestEntry& entry,
                 const ProgressFn& progress);

  // Opens (or resumes) the ingest. Call once, before from().
  Status start();
  // Downloads from one resolve URL with retries, continuing whatever earlier endpoints left in
  // the .part. Retryable failures keep the .part; the bytes are verified only at commit.
  Result<BlobInfo> from(const std::string& resolve_url);
  // Drops whatever is kept and opens a new ingest, for a download from another source.
  Status restart() { return restart_from_zero(); }
  // Drops whatever is kept: nothing worth resuming (the only bytes seen did not verify).
  void discard() {
    if (ingest_) {
      ingest_->discard();
    }
  }

 private:
  // One request. nullopt: the download restarted from zero and should go on at once.
  Result<std::optional<BlobInfo>> attempt(const std::string& url,
                                          std::optional<std::chrono::seconds>* retry_after);
  Status restart_from_zero();
  Result<BlobInfo> commit();
  Error about_file(Error error) const;

  const UpstreamContext& context_;
  BlobStore& store_;
  const ManifestEntry& entry_;
  const ProgressFn& progress_;
  ExpectedContent expected_;
  std::unique_ptr<BlobIngest> ingest_;
};

}  // namespace mirrord
