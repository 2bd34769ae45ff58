// The mirror's signed manifest of a published snapshot (README "Trust", "Signed manifests").
//
// A manifest is one JSON object, serialized with sorted keys and no whitespace so that the same
// snapshot always yields the same bytes:
//   {"commit": "<40 hex>", "files": [{"git_oid", "lfs", "path", "sha256", "size"}, ...],
//    "format": "mirrord-snapshot-manifest/v1", "key_id": "<sha256 of the signing key's SPKI>",
//    "repo": {"kind": "model", "name": "ORG/NAME"}, "verdict": {...}}
// Files are sorted by path. The signature is Ed25519 over exactly these bytes.
#pragma once

#include <string>
#include <vector>

#include "policies/inspect/signing_key.hpp"
#include "storage/catalog.hpp"

namespace mirrord {

inline constexpr std::string_view kManifestFormat = "mirrord-snapshot-manifest/v1";

std::string build_snapshot_manifest(const RepoKey& repo, const std::string& commit,
                                    std::vector<SnapshotFile> files,
                                    const std::string& verdict_json, const std::string& key_id);

// The manifest of the snapshot, signed: verdict, manifest bytes and base64 signature.
SnapshotTrust signed_trust(const RepoKey& repo, const std::string& commit,
                           const std::vector<SnapshotFile>& files, const std::string& verdict_json,
                           const SigningKey* key);

}  // namespace mirrord
