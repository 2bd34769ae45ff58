#include "daemon/metrics/metered_services.hpp"

#include <chrono>

namespace mirrord::metrics {
namespace {

class MeteredFetcher final : public Fetcher {
 public:
  MeteredFetcher(std::shared_ptr<Fetcher> inner, std::shared_ptr<Metrics> metrics)
      : inner_(std::move(inner)), metrics_(std::move(metrics)) {}

  Result<FetchResponse> fetch(const FetchRequest& request, const BodySink& sink,
                              const std::atomic<bool>* cancel) override {
    const BodySink counting = [this, &sink](std::span<const std::byte> data) {
      metrics_->add_upstream_bytes(data.size());
      return sink(data);
    };
    return inner_->fetch(request, counting, cancel);
  }

 private:
  std::shared_ptr<Fetcher> inner_;
  std::shared_ptr<Metrics> metrics_;
};

void count_if_verify_failure(const Error& error, Metrics& metrics) {
  if (error.code == ErrorCode::kDigestMismatch) {
    metrics.count_verify_failure(VerifyFailure::kDigest);
  } else if (error.code == ErrorCode::kSizeMismatch) {
    metrics.count_verify_failure(VerifyFailure::kSize);
  }
}

class MeteredIngest final : public BlobIngest {
 public:
  MeteredIngest(std::unique_ptr<BlobIngest> inner, std::shared_ptr<Metrics> metrics)
      : inner_(std::move(inner)), metrics_(std::move(metrics)) {}

  std::uint64_t offset() const override { return inner_->offset(); }
  Status write(std::span<const std::byte> data) override {
    Status written = inner_->write(data);
    if (!written)
      count_if_verify_failure(written.error(), *metrics_);
    return written;
  }
  Result<BlobInfo> commit() override {
    auto committed = inner_->commit();
    if (!committed)
      count_if_verify_failure(committed.error(), *metrics_);
    return committed;
  }
  void discard() override { inner_->discard(); }

 private:
  std::unique_ptr<BlobIngest> inner_;
  std::shared_ptr<Metrics> metrics_;
};

class MeteredBlobStore final : public BlobStore {
 public:
  MeteredBlobStore(std::shared_ptr<BlobStore> inner, std::shared_ptr<Metrics> metrics)
      : inner_(std::move(inner)), metrics_(std::move(metrics)) {}

  bool contains(const Sha256& digest) const override { return inner_->contains(digest); }
  Result<OpenBlob> open(const Sha256& digest) const override { return inner_->open(digest); }
  Result<std::unique_ptr<BlobIngest>> begin_ingest(const ExpectedContent& expected) override {
    MIRRORD_TRY_ASSIGN(auto ingest, inner_->begin_ingest(expected));
    return std::unique_ptr<BlobIngest>(
        std::make_unique<MeteredIngest>(std::move(ingest), metrics_));
  }
  Status remove(const Sha256& digest) override { return inner_->remove(digest); }
  Status for_each(const std::function<void(const Sha256&, std::uint64_t size)>& fn) const override {
    return inner_->for_each(fn);
  }
  Status clean_stale_parts(std::chrono::seconds max_age) override {
    return inner_->clean_stale_parts(max_age);
  }

 private:
  std::shared_ptr<BlobStore> inner_;
  std::shared_ptr<Metrics> metrics_;
};

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::shared_ptr<Fetcher> make_metered_fetcher(std::shared_ptr<Fetcher> inner,
                                              std::shared_ptr<Metrics> metrics) {
  return std::make_shared<MeteredFetcher>(std::move(inner), std::move(metrics));
}

std::shared_ptr<BlobStore> make_metered_blob_store(std::shared_ptr<BlobStore> inner,
                                                   std::shared_ptr<Metrics> metrics) {
  return std::make_shared<MeteredBlobStore>(std::move(inner), std::move(metrics));
}

JobWork metered_pull(JobWork work, std::string target, std::shared_ptr<Metrics> metrics) {
  return [work = std::move(work), target = std::move(target),
          metrics = std::move(metrics)](JobContext& context) {
    Status status = work(context);
    if (status) {
      metrics->count_pull(PullResult::kSucceeded);
      metrics->record_sync(target, unix_now());
    } else if (status.error().code == ErrorCode::kCancelled || context.cancelled()) {
      metrics->count_pull(PullResult::kCancelled);
    } else {
      metrics->count_pull(PullResult::kFailed);
    }
    return status;
  };
}

Status seed_last_syncs(Metrics& metrics, Catalog& catalog, const JobTargetName& target_of) {
  // The most recent jobs are enough: a target not among them has not synced for a long time.
  constexpr int kJobsRead = 10000;
  MIRRORD_TRY_ASSIGN(auto jobs, catalog.list_jobs(false, kJobsRead));
  for (const JobRecord& job : jobs) {
    if (job.state != JobState::kSucceeded)
      continue;
    if (auto target = target_of(job))
      metrics.record_sync(*target, job.updated_at);
  }
  return {};
}

}  // namespace mirrord::metrics
