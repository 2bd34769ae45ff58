// export_bundle: writes the signed records of the given repos and every blob they need into a
// bundle (bundle_index.hpp), streaming each blob from the store. With `since` (an earlier
// bundle), the blobs that bundle holds are left out and its id is recorded as the base.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "policies/inspect/signing_key.hpp"
#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"

namespace mirrord::replica {

struct ExportRequest {
  std::vector<RepoKey> repos;
  std::filesystem::path to;
  std::optional<std::filesystem::path> since;
  std::int64_t now = 0;  // unix seconds, the index's created_at
};

struct ExportResult {
  std::string bundle_id;
  std::size_t records = 0;
  std::size_t blobs = 0;          // written into the bundle
  std::size_t blobs_in_base = 0;  // left out: the base bundle holds them
  std::uint64_t blob_bytes = 0;   // of the blobs written
};

struct ExportProgress {
  std::function<void(std::size_t blobs, std::uint64_t bytes)> totals;
  std::function<void(std::uint64_t bytes)> bytes;
  std::function<void()> blob_done;
};

Result<ExportResult> export_bundle(const ExportRequest& request, Catalog& catalog,
                                   const BlobStore& store, const SigningKey& key,
                                   const std::atomic<bool>* cancel, const ExportProgress& progress);

}  // namespace mirrord::replica
