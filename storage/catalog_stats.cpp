// SqliteCatalog: statistics for /metrics.
#include "storage/sqlite_catalog.hpp"

namespace mirrord {

Result<BlobTotals> SqliteCatalog::blob_totals() {
  Lock lock(mutex_);
  MIRRORD_TRY_ASSIGN(const std::int64_t blobs, db_->query_int("SELECT count(*) FROM blobs"));
  MIRRORD_TRY_ASSIGN(const std::int64_t bytes,
                     db_->query_int("SELECT coalesce(sum(size), 0) FROM blobs"));
  return BlobTotals{static_cast<std::uint64_t>(blobs), static_cast<std::uint64_t>(bytes)};
}

Result<BlobTotals> Catalog::blob_totals() {
  return make_error(ErrorCode::kInternal, "this catalog does not implement Catalog::blob_totals");
}

}  // namespace mirrord
