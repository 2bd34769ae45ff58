// BlobStore helpers of the apt side: small texts the mirror itself writes (re-signed Release
// files) stored as blobs, and blobs read back (bounded) for parsing and extra digests.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"

namespace mirrord::apt {

// Stores `bytes` as a durable blob and records it in the catalog.
Result<BlobInfo> store_bytes(BlobStore& store, Catalog& catalog, std::string_view bytes);

// The whole content of a blob; kSizeMismatch when it is longer than `max_bytes`.
Result<std::string> read_blob(const BlobStore& store, const Sha256& digest,
                              std::uint64_t max_bytes);

// The sha512 of a blob as lower-case hex (by-hash/SHA512 names), read from the store.
Result<std::string> sha512_hex_of_blob(const BlobStore& store, const Sha256& digest);
std::string sha512_hex(std::string_view data);

// A SnapshotFile for `path` holding `blob`.
SnapshotFile snapshot_file(std::string path, const BlobInfo& blob);

}  // namespace mirrord::apt
