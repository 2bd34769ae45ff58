#include "daemon/replica/bundle_export.hpp"

#include <set>

#include "daemon/replica/apply_records.hpp"
#include "daemon/replica/bundle_index.hpp"
#include "daemon/replica/bundle_reader.hpp"
#include "daemon/replica/bundle_writer.hpp"
#include "daemon/replica/snapshot_record.hpp"

namespace mirrord::replica {
namespace {

constexpr std::uint64_t kMaxIndexBytes = 256u << 20;

struct BaseBundle {
  std::string id;
  std::set<Sha256> blobs;
};

// The id and blobs of the earlier bundle an incremental export builds on. Its index is only
// read, not trusted: a wrong one merely leaves blobs out that the import then asks for.
Result<BaseBundle> read_base(const std::filesystem::path& since) {
  MIRRORD_TRY_ASSIGN(auto reader, open_bundle(since));
  MIRRORD_TRY_ASSIGN(const std::string bytes,
                     reader->read_member(std::string(kIndexMember), kMaxIndexBytes));
  MIRRORD_TRY_ASSIGN(const BundleIndex index, parse_index(bytes));
  BaseBundle base{bundle_id(bytes), {}};
  for (const BundleBlobEntry& blob : index.blobs) {
    base.blobs.insert(blob.sha256);
  }
  return base;
}

struct Collected {
  std::vector<SignedRecord> records;
  std::vector<RecordBlob> blobs;
};

Result<Collected> collect(const std::vector<RepoKey>& repos, Catalog& catalog,
                          const SigningKey& key) {
  Collected collected;
  std::vector<VerifiedRecord> verified;
  for (const RepoKey& repo : repos) {
    MIRRORD_TRY_ASSIGN(auto records, export_records(catalog, repo, key));
    for (SignedRecord& record : records) {
      // Our own records, read back as an importer will: what we write must verify there.
      MIRRORD_TRY_ASSIGN(VerifiedRecord checked, verify_record(record, {key.public_pem()}));
      verified.push_back(std::move(checked));
      collected.records.push_back(std::move(record));
    }
  }
  collected.blobs = distinct_blobs(verified);
  return collected;
}

Status write_blob(BundleWriter& writer, const BlobStore& store, const RecordBlob& blob,
                  const std::atomic<bool>* cancel, const ExportProgress& progress) {
  if (cancel != nullptr && cancel->load()) {
    return make_error(ErrorCode::kCancelled, "export cancelled");
  }
  MIRRORD_TRY_ASSIGN(const OpenBlob opened, store.open(blob.sha256));
  MIRRORD_TRY(writer.add_file(blob_member(blob.sha256), opened.fd.get(), blob.size,
                              [&](std::uint64_t bytes) {
                                if (progress.bytes)
                                  progress.bytes(bytes);
                              }));
  if (progress.blob_done) {
    progress.blob_done();
  }
  return {};
}

}  // namespace

Result<ExportResult> export_bundle(const ExportRequest& request, Catalog& catalog,
                                   const BlobStore& store, const SigningKey& key,
                                   const std::atomic<bool>* cancel,
                                   const ExportProgress& progress) {
  BaseBundle base;
  if (request.since) {
    MIRRORD_TRY_ASSIGN(base, read_base(*request.since));
  }
  MIRRORD_TRY_ASSIGN(const Collected collected, collect(request.repos, catalog, key));
  BundleIndex index{request.now, key.key_id(), key.public_pem(), base.id, {}, {}};
  ExportResult result;
  for (const SignedRecord& record : collected.records) {
    index.records.push_back({record_member_name(index.records.size()), sha256_of(record.bytes)});
  }
  std::vector<RecordBlob> written;
  for (const RecordBlob& blob : collected.blobs) {
    if (base.blobs.contains(blob.sha256)) {
      ++result.blobs_in_base;
      continue;
    }
    index.blobs.push_back({blob.sha256, blob.size});
    written.push_back(blob);
    result.blob_bytes += blob.size;
  }
  if (progress.totals) {
    progress.totals(written.size(), result.blob_bytes);
  }
  const std::string index_bytes = serialize_index(index);
  MIRRORD_TRY_ASSIGN(auto writer, create_bundle(request.to));
  MIRRORD_TRY(writer->add_index_member(std::string(kIndexMember), index_bytes));
  MIRRORD_TRY(writer->add_index_member(std::string(kIndexSignatureMember), key.sign(index_bytes)));
  for (std::size_t i = 0; i < collected.records.size(); ++i) {
    MIRRORD_TRY(writer->add_member(index.records[i].name + ".json", collected.records[i].bytes));
    MIRRORD_TRY(writer->add_member(index.records[i].name + ".sig", collected.records[i].signature));
  }
  for (const RecordBlob& blob : written) {
    MIRRORD_TRY(write_blob(*writer, store, blob, cancel, progress));
  }
  MIRRORD_TRY(writer->finish());
  result.bundle_id = bundle_id(index_bytes);
  result.records = collected.records.size();
  result.blobs = written.size();
  return result;
}

}  // namespace mirrord::replica
