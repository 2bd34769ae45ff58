// Snapshot records: everything another mirror needs to publish one of our snapshots exactly as
// we serve it, signed with the mirror's Ed25519 key (policies/inspect/signing_key.hpp).
//
// A record is one JSON object with sorted keys and no whitespace:
//   {"commit": "...", "extra_blobs": [{"sha256", "size"}], "files": [{"git_oid", "lfs", "path",
//    "sha256", "size"}], "format": "mirrord-snapshot-record/v1", "info_json": "<text>",
//    "key_id": "<hex>", "manifest": "<text>", "manifest_signature": "<base64>",
//    "repo": {"kind", "name"}, "refs": ["main"], "verdict": "<json text>"}
// `info_json`, `verdict` and `manifest` are carried as the exact text the catalog holds, so the
// importing mirror serves the same bytes (and the original signed manifest) as the exporter.
// The signature is a raw 64-byte Ed25519 signature over exactly the record bytes.
//
// Records are read from bundles and peers: verify_record() treats every field as hostile.
// A git mirror (kind "git") is exported as the snapshots its refs point at: the per-ref
// snapshots and the "current" sync record, whose files include the repository's packs
// (git_pack_blobs.hpp); apply_records() builds the repository from them. apt policies in resign
// mode are carried as served; the importing mirror re-signs them (apt_resign.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policies/inspect/signing_key.hpp"
#include "storage/catalog.hpp"

namespace mirrord::replica {

inline constexpr std::string_view kRecordFormat = "mirrord-snapshot-record/v1";

// One blob a record needs: its digest, size, and the git blob id it must hash to when known.
struct RecordBlob {
  Sha256 sha256;
  std::uint64_t size = 0;
  std::optional<GitOid> git_oid;
  // Whether an ingest computes the git blob id when git_oid is unset: false for content only
  // ever looked up by sha256 (LFS files, extra blobs), as the original pull did.
  bool compute_git_oid = true;
};

// The exact signed bytes (JSON, sorted keys, no whitespace) and the raw 64-byte Ed25519 signature.
struct SignedRecord {
  std::string bytes;
  std::string signature;
};

// One signed record per published snapshot of `repo` (oldest first), with the refs that point at
// it. kNotFound when the repo has no snapshot; kInvalidInput for an unknown repo kind.
Result<std::vector<SignedRecord>> export_records(Catalog& catalog, const RepoKey& repo,
                                                 const SigningKey& key);

struct VerifiedRecord {
  NewSnapshot snapshot;
  std::vector<RecordBlob> blobs;  // each distinct blob of the files and extra blobs, once
  std::string key_id;             // of the pinned key whose signature verified
};

// Checks format, every field (paths, hex, sizes, refs) and the signature against one of the
// pinned public keys (PEM). Fails with kInvalidInput and a reason naming what is wrong.
Result<VerifiedRecord> verify_record(const SignedRecord& record,
                                     const std::vector<std::string>& trusted_public_pems);

// Replaces the exporting mirror's signed manifest of the record's snapshot (when it had one) by
// one signed with `key`, over the same repo, commit, files and verdict: a mirror signs what it
// serves with its own key, so `mirrorctl verify` and clients that pin this mirror's key check an
// imported snapshot like a pulled one.
void sign_manifest_as(VerifiedRecord& record, const SigningKey& key);

}  // namespace mirrord::replica
