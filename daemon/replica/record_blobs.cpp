#include "daemon/replica/record_blobs.hpp"

#include <map>

namespace mirrord::replica {
namespace {

class BlobList {
 public:
  Status add(const RecordBlob& blob) {
    const auto [it, added] = index_.try_emplace(blob.sha256, blobs_.size());
    if (added) {
      blobs_.push_back(blob);
      return {};
    }
    RecordBlob& known = blobs_[it->second];
    if (known.size != blob.size) {
      return conflict(blob, "two sizes");
    }
    if (blob.git_oid && known.git_oid && *blob.git_oid != *known.git_oid) {
      return conflict(blob, "two git blob ids");
    }
    if (blob.git_oid) {
      known.git_oid = blob.git_oid;
    }
    known.compute_git_oid = known.compute_git_oid || blob.compute_git_oid;
    return {};
  }
  std::vector<RecordBlob> take() { return std::move(blobs_); }

 private:
  static Error conflict(const RecordBlob& blob, const char* what) {
    return make_error(ErrorCode::kInvalidInput,
                      "blob " + blob.sha256.hex() + " is listed with " + what);
  }
  std::vector<RecordBlob> blobs_;
  std::map<Sha256, std::size_t> index_;
};

}  // namespace

Result<std::vector<RecordBlob>> blobs_of(const std::vector<SnapshotFile>& files,
                                         const std::vector<RecordBlob>& extra_blobs) {
  BlobList list;
  for (const SnapshotFile& file : files) {
    RecordBlob blob{file.sha256, file.size, std::nullopt, !file.lfs};
    if (!file.lfs && file.git_oid != GitOid()) {
      blob.git_oid = file.git_oid;
    }
    MIRRORD_TRY(list.add(blob));
  }
  for (RecordBlob blob : extra_blobs) {
    blob.compute_git_oid = false;
    MIRRORD_TRY(list.add(blob));
  }
  return list.take();
}

}  // namespace mirrord::replica
