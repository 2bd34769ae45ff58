// SqliteCatalog: whether a blob is part of what the mirror publishes (for mirrors that pull
// from this one: README "Federation").
#include "storage/sqlite_catalog.hpp"

namespace mirrord {

// Two lookups in the sha256 indexes of the tables that tie blobs to published snapshots; a blob
// that is only quarantined, or no longer referenced, is not published.
Result<bool> SqliteCatalog::blob_published(const Sha256& digest) {
  Lock lock(mutex_);
  MIRRORD_TRY_ASSIGN(
      auto stmt, db_->prepare("SELECT EXISTS (SELECT 1 FROM snapshot_files WHERE sha256 = ?1) OR "
                              "EXISTS (SELECT 1 FROM snapshot_blobs WHERE sha256 = ?1)"));
  MIRRORD_TRY(stmt->bind_all(digest.hex()));
  MIRRORD_TRY_ASSIGN(const bool row, stmt->step());
  return row && stmt->column_int64(0) != 0;
}

Result<bool> Catalog::blob_published(const Sha256&) {
  return make_error(ErrorCode::kInternal,
                    "this catalog does not implement Catalog::blob_published");
}

}  // namespace mirrord
