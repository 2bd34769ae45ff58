#include "daemon/replica/bundle_import.hpp"

#include <map>

#include "daemon/replica/bundle_index.hpp"
#include "daemon/replica/bundle_reader.hpp"

namespace mirrord::replica {
namespace {

constexpr std::uint64_t kMaxIndexBytes = 256u << 20;
constexpr std::uint64_t kMaxRecordBytes = 256u << 20;

Error refused(const std::string& reason) {
  return make_error(ErrorCode::kInvalidInput, "bundle refused: " + reason);
}

struct VerifiedIndex {
  BundleIndex index;
  std::string id;
  std::string key_id;
};

Result<VerifiedIndex> read_index(BundleReader& reader, const std::vector<std::string>& trusted) {
  auto bytes = reader.read_member(std::string(kIndexMember), kMaxIndexBytes);
  if (!bytes) {
    return refused(bytes.error().message);
  }
  auto signature = reader.read_member(std::string(kIndexSignatureMember), 64);
  if (!signature) {
    return refused(signature.error().message);
  }
  for (const std::string& pem : trusted) {
    if (verify_ed25519(pem, *bytes, *signature)) {
      auto index = parse_index(*bytes);
      if (!index) {
        return refused(index.error().message);
      }
      MIRRORD_TRY_ASSIGN(std::string key_id, public_key_id(pem));
      return VerifiedIndex{std::move(*index), bundle_id(*bytes), std::move(key_id)};
    }
  }
  return refused("its index is not signed by any of the " + std::to_string(trusted.size()) +
                 " trusted keys (pin the exporting mirror's key with --key or [import] "
                 "trusted_keys)");
}

Result<std::vector<VerifiedRecord>> read_records(BundleReader& reader, const BundleIndex& index,
                                                 const std::vector<std::string>& trusted) {
  std::vector<VerifiedRecord> records;
  for (const BundleRecordEntry& entry : index.records) {
    auto bytes = reader.read_member(entry.name + ".json", kMaxRecordBytes);
    auto signature = bytes ? reader.read_member(entry.name + ".sig", 64) : bytes;
    if (!bytes || !signature) {
      return refused((bytes ? signature : bytes).error().message);
    }
    if (sha256_of(*bytes) != entry.sha256) {
      return refused(entry.name + " does not match the digest its index lists");
    }
    auto verified = verify_record(SignedRecord{std::move(*bytes), std::move(*signature)}, trusted);
    if (!verified) {
      return refused(entry.name + ": " + verified.error().message);
    }
    records.push_back(std::move(*verified));
  }
  return records;
}

// Every blob must be in the bundle with the size its record says, or stored here already.
Status check_blobs(const std::vector<VerifiedRecord>& records, const VerifiedIndex& verified,
                   Catalog& catalog, BlobStore& store, ImportProgress const& progress) {
  std::map<Sha256, std::uint64_t> in_bundle;
  for (const BundleBlobEntry& blob : verified.index.blobs) {
    in_bundle[blob.sha256] = blob.size;
  }
  std::size_t missing = 0;
  std::size_t to_fetch = 0;
  std::uint64_t bytes = 0;
  for (const RecordBlob& blob : distinct_blobs(records)) {
    MIRRORD_TRY_ASSIGN(const auto recorded, catalog.find_blob(blob.sha256));
    const bool present = recorded && store.contains(blob.sha256);
    const auto listed = in_bundle.find(blob.sha256);
    if (listed != in_bundle.end() && listed->second != blob.size) {
      return refused("blob " + blob.sha256.hex() + " is listed with two sizes");
    }
    if (!present && listed == in_bundle.end()) {
      ++missing;
    } else if (!present) {
      ++to_fetch;
      bytes += blob.size;
    }
  }
  if (missing > 0) {
    return refused(std::to_string(missing) + " blobs are neither in the bundle nor stored here" +
                   (verified.index.base_bundle.empty()
                        ? std::string()
                        : "; import its base bundle " + verified.index.base_bundle + " first"));
  }
  if (progress.totals) {
    progress.totals(to_fetch, bytes);
  }
  return {};
}

class BundleBlobSource final : public BlobSource {
 public:
  explicit BundleBlobSource(BundleReader& reader) : reader_(reader) {}
  Status fetch(const RecordBlob& blob, std::uint64_t offset, const BlobSink& sink) override {
    return reader_.stream_member(blob_member(blob.sha256), offset, sink);
  }

 private:
  BundleReader& reader_;
};

}  // namespace

Result<ImportResult> import_bundle(const std::filesystem::path& from,
                                   const std::vector<std::string>& trusted_public_pems,
                                   const SigningKey& own_key, BlobStore& store, Catalog& catalog,
                                   const std::atomic<bool>* cancel, const ImportProgress& progress,
                                   const std::filesystem::path& storage_root) {
  MIRRORD_TRY_ASSIGN(auto reader, open_bundle(from));
  MIRRORD_TRY_ASSIGN(const VerifiedIndex verified, read_index(*reader, trusted_public_pems));
  MIRRORD_TRY_ASSIGN(auto records, read_records(*reader, verified.index, trusted_public_pems));
  MIRRORD_TRY(check_blobs(records, verified, catalog, store, progress));
  BundleBlobSource source(*reader);
  ApplyProgress apply = progress.apply;
  apply.prepare = [&](VerifiedRecord& record) -> Status {
    if (progress.apply.prepare) {
      MIRRORD_TRY(progress.apply.prepare(record));
    }
    sign_manifest_as(record, own_key);  // last: over the files this mirror serves
    return {};
  };
  auto applied = apply_records(records, source, store, catalog, cancel, apply, storage_root);
  if (!applied) {
    const Error& error = applied.error();
    if (error.code == ErrorCode::kCancelled || error.code == ErrorCode::kNoSpace ||
        error.code == ErrorCode::kIo) {
      return error;  // nothing is wrong with the bundle: run the import again to resume
    }
    return refused(error.message);
  }
  return ImportResult{verified.id, verified.key_id, records.size(), *applied};
}

}  // namespace mirrord::replica
