// Putting verified bytes into the BlobStore and recording them in the Catalog (in that order:
// a catalog row only ever names a durable blob). Waits when another pull ingests the same
// content at the same moment, then reuses its blob.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"

namespace mirrord::pypi {

// The recorded blob with this digest, when the store holds it.
Result<std::optional<BlobInfo>> find_stored(Catalog& catalog, const BlobStore& store,
                                            const Sha256& digest);

// Ingests `size` bytes read from the start of `fd`, which must hash to `digest`.
Result<BlobInfo> ingest_fd(BlobStore& store, Catalog& catalog, int fd, std::uint64_t size,
                           const Sha256& digest, const std::atomic<bool>* cancel);

Result<BlobInfo> ingest_bytes(BlobStore& store, Catalog& catalog, std::string_view bytes,
                              const std::atomic<bool>* cancel);

// The whole content of a stored blob of at most `max_bytes` (core metadata files).
Result<std::string> read_blob(const BlobStore& store, const Sha256& digest,
                              std::uint64_t max_bytes);

}  // namespace mirrord::pypi
