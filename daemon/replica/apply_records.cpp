#include "daemon/replica/apply_records.hpp"

#include <set>

#include "daemon/replica/git_records.hpp"

namespace mirrord::replica {
namespace {

ExpectedContent expected_of(const RecordBlob& blob) {
  ExpectedContent expected;
  expected.size = blob.size;
  expected.sha256 = blob.sha256;
  expected.git_oid = blob.git_oid;
  expected.compute_git_oid = blob.compute_git_oid;
  return expected;
}

class BlobFetch {
 public:
  BlobFetch(BlobSource& source, BlobStore& store, Catalog& catalog, const std::atomic<bool>* cancel,
            const ApplyProgress& progress, ApplyResult& result)
      : source_(source),
        store_(store),
        catalog_(catalog),
        cancel_(cancel),
        progress_(progress),
        result_(result) {}

  // Ingests `blob` unless the catalog records it already.
  Status ensure(const RecordBlob& blob) {
    MIRRORD_TRY_ASSIGN(const auto recorded, catalog_.find_blob(blob.sha256));
    if (recorded && store_.contains(blob.sha256)) {
      ++result_.blobs_present;
      return {};
    }
    MIRRORD_TRY_ASSIGN(BlobInfo info, ingest(blob));
    MIRRORD_TRY(catalog_.record_blob(info));
    ++result_.blobs_fetched;
    if (progress_.blob_done) {
      progress_.blob_done(blob);
    }
    return {};
  }

 private:
  Result<BlobInfo> ingest(const RecordBlob& blob) {
    MIRRORD_TRY_ASSIGN(auto ingest, store_.begin_ingest(expected_of(blob)));
    const Status fetched =
        source_.fetch(blob, ingest->offset(), [&](std::span<const std::byte> chunk) -> Status {
          if (cancel_ != nullptr && cancel_->load()) {
            return make_error(ErrorCode::kCancelled, "cancelled");
          }
          MIRRORD_TRY(ingest->write(chunk));
          result_.bytes_fetched += chunk.size();
          if (progress_.bytes) {
            progress_.bytes(chunk.size());
          }
          return {};
        });
    if (!fetched) {
      // The .part stays for resume unless the bytes were wrong (write() discards then).
      return make_error(fetched.error().code,
                        "blob " + blob.sha256.hex() + ": " + fetched.error().message);
    }
    auto committed = ingest->commit();
    if (!committed) {
      return make_error(committed.error().code,
                        "blob " + blob.sha256.hex() + ": " + committed.error().message);
    }
    return committed;
  }

  BlobSource& source_;
  BlobStore& store_;
  Catalog& catalog_;
  const std::atomic<bool>* cancel_;
  const ApplyProgress& progress_;
  ApplyResult& result_;
};

}  // namespace

std::vector<RecordBlob> distinct_blobs(const std::vector<VerifiedRecord>& records) {
  std::vector<RecordBlob> blobs;
  std::set<Sha256> seen;
  for (const VerifiedRecord& record : records) {
    for (const RecordBlob& blob : record.blobs) {
      if (seen.insert(blob.sha256).second) {
        blobs.push_back(blob);
      }
    }
  }
  return blobs;
}

Result<ApplyResult> apply_records(const std::vector<VerifiedRecord>& records, BlobSource& source,
                                  BlobStore& store, Catalog& catalog,
                                  const std::atomic<bool>* cancel) {
  return apply_records(records, source, store, catalog, cancel, ApplyProgress{});
}

Result<ApplyResult> apply_records(const std::vector<VerifiedRecord>& records, BlobSource& source,
                                  BlobStore& store, Catalog& catalog,
                                  const std::atomic<bool>* cancel, const ApplyProgress& progress,
                                  const std::filesystem::path& storage_root) {
  ApplyResult result;
  BlobFetch fetch(source, store, catalog, cancel, progress, result);
  for (const RecordBlob& blob : distinct_blobs(records)) {
    MIRRORD_TRY(fetch.ensure(blob));
  }
  std::vector<VerifiedRecord> prepared = records;
  for (VerifiedRecord& record : prepared) {
    if (progress.prepare) {
      MIRRORD_TRY(progress.prepare(record));
    }
  }
  MIRRORD_TRY(install_git_records(prepared, store, storage_root));
  // Every blob is durable and recorded: only now does anything become visible.
  for (const VerifiedRecord& record : prepared) {
    MIRRORD_TRY_ASSIGN(const auto existing,
                       catalog.find_snapshot(record.snapshot.repo, record.snapshot.commit));
    MIRRORD_TRY(catalog.publish_snapshot(record.snapshot));
    if (!existing) {
      ++result.snapshots_published;
    }
  }
  return result;
}

}  // namespace mirrord::replica
