// Bringing one distribution file into the mirror: reuse the stored blob when the index names a
// digest the store already holds; otherwise download into a staging file, compare with the
// index's sha256 claim (a mismatch moves the bytes to quarantine and fails that source), ingest,
// and for wheels extract METADATA as the PEP 658 core metadata blob. A file listed by several
// indexes with the same sha256 is fetched from the next of its URLs when one fails.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "daemon/pypi/dist_filename.hpp"
#include "daemon/pypi/pypi_upstream.hpp"
#include "daemon/pypi/simple_page.hpp"
#include "daemon/upstreams/upstream_health.hpp"
#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"

namespace mirrord::pypi {

// Without a policy cap, files above this are refused (the largest CUDA wheels are ~4 GiB).
inline constexpr std::uint64_t kDefaultMaxFileSize = 16ull << 30;

struct FileFetchDeps {
  const PypiUpstream& upstream;
  BlobStore& store;
  Catalog& catalog;
  std::filesystem::path staging_dir;
  std::filesystem::path quarantine_dir;
  std::vector<std::string> index_hosts;    // files may always come from the indexes' own hosts
  std::vector<std::string> allowed_hosts;  // besides it; empty: any host
  std::uint64_t max_file_size = 0;         // 0: kDefaultMaxFileSize
  std::function<void(std::uint64_t)> progress;
  const std::atomic<bool>* cancel = nullptr;
  UpstreamHealth* health = nullptr;  // told of URLs whose bytes did not match; may be null
};

struct FetchedFile {
  BlobInfo blob;
  std::optional<BlobInfo> metadata;            // wheels whose METADATA could be read
  std::optional<std::string> requires_python;  // from METADATA
  std::string review;                          // why a wheel has no metadata
};

// Whether a file at `url` may be fetched under the host rules of `deps`.
bool host_allowed(const FileFetchDeps& deps, const std::string& url);

Result<FetchedFile> fetch_distribution(const UpstreamFile& file, const DistFilename& dist,
                                       const FileFetchDeps& deps);

// Core metadata of a stored wheel (for a blob that was already in the store).
Result<FetchedFile> describe_stored(const BlobInfo& blob, const DistFilename& dist,
                                    const FileFetchDeps& deps);

}  // namespace mirrord::pypi
