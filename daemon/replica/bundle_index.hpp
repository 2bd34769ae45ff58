// The signed index of an export bundle (README "Air-gapped transfer").
//
// A bundle is a directory, or a tar of the same members in this order:
//   index.json            the index below (JSON, sorted keys, no whitespace)
//   index.sig             raw 64-byte Ed25519 signature of index.json by the exporting mirror
//   records/NNNNNN.json   one signed snapshot record each (snapshot_record.hpp)
//   records/NNNNNN.sig
//   blobs/sha256/<hex>    the bytes of every blob listed, each once
// The index names the exporting key (id and public PEM, for the operator to pin; it is never
// trusted by itself), the base bundle an incremental bundle builds on (its blobs are left out),
// each record with the sha256 of its bytes, and each blob with its size. A bundle's id is the
// sha256 of its index.json.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/digest.hpp"
#include "storage/result.hpp"

namespace mirrord::replica {

inline constexpr std::string_view kBundleFormat = "mirrord-bundle/v1";
inline constexpr std::string_view kIndexMember = "index.json";
inline constexpr std::string_view kIndexSignatureMember = "index.sig";

struct BundleRecordEntry {
  std::string name;  // records/NNNNNN (the member names add .json and .sig)
  Sha256 sha256;     // of the record's bytes
};

struct BundleBlobEntry {
  Sha256 sha256;
  std::uint64_t size = 0;
};

struct BundleIndex {
  std::int64_t created_at = 0;  // unix seconds
  std::string key_id;
  std::string public_key_pem;
  std::string base_bundle;  // id of the bundle this one adds to; empty for a full bundle
  std::vector<BundleRecordEntry> records;
  std::vector<BundleBlobEntry> blobs;
};

std::string record_member_name(std::size_t index);  // records/000001 for index 0
std::string blob_member(const Sha256& digest);      // blobs/sha256/<hex>

std::string serialize_index(const BundleIndex& index);
// Parses index bytes read from a bundle; kInvalidInput naming what is wrong.
Result<BundleIndex> parse_index(std::string_view bytes);
// The id of a bundle: hex sha256 of its index bytes.
std::string bundle_id(std::string_view index_bytes);

}  // namespace mirrord::replica
