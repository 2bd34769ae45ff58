// HfAdmitter: admission control of one Hugging Face pull (policies/inspect/admission.hpp) between
// "every selected file is verified" and "the snapshot is published".
//
// Before the download it withholds files over max_file_size and refuses a total over
// max_total_size. As each file is verified (on the fetching threads) it inspects the stored blob:
// pickle scan, safetensors/GGUF validation, remote code, or an operator's release of exactly that
// content. At the end it reads the licence (repo metadata, else README.md), verifies model.sig
// against the policy's trusted keys, puts every refused file in quarantine (its blob stays in the
// store, unserved), decides, and builds the snapshot to publish: the admitted files, the verdict,
// and the manifest signed with the mirror's key.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "daemon/hf/hf_source.hpp"
#include "policies/inspect/admission.hpp"
#include "policies/inspect/signing_key.hpp"
#include "policies/policy.hpp"
#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"

namespace mirrord {

class HfAdmitter {
 public:
  HfAdmitter(const HfTarget& target, const HfManifest& manifest, const BlobStore& store,
             Catalog& catalog);

  // Before the download.
  bool admits_size(const ManifestEntry& entry) {
    return admission_.admits_size(entry.path, entry.size);
  }
  Status check_total(std::uint64_t total) const { return admission_.check_total(total); }

  // After `blob` was verified as `entry`'s content. Thread-safe. Fails only on I/O errors.
  Status inspect(const ManifestEntry& entry, const BlobInfo& blob);

  // After every file: quarantines what was refused and decides. On success, the snapshot to
  // publish (files admitted, verdict and signed manifest in `trust`); on refusal, kPolicy with
  // the reasons (the quarantine is recorded either way). `key` signs the manifest when given.
  Result<NewSnapshot> conclude(const std::vector<SnapshotFile>& fetched, const SigningKey* key);

 private:
  Result<std::optional<FoundLicense>> find_license(const std::vector<SnapshotFile>& fetched) const;
  Result<std::optional<ModelSignatureVerdict>> check_signature(
      const std::vector<SnapshotFile>& fetched) const;
  Status quarantine(const std::vector<SnapshotFile>& fetched);

  const HfTarget& target_;
  const HfManifest& manifest_;
  const BlobStore& store_;
  Catalog& catalog_;
  std::mutex mutex_;
  Admission admission_;
  std::size_t quarantined_ = 0;
};

// The name of model.sig in a repo (OpenSSF model signing).
inline constexpr std::string_view kModelSignatureFile = "model.sig";

// Reads a whole small blob (at most `max` bytes) as text.
Result<std::string> read_small_blob(const BlobStore& store, const Sha256& digest, std::size_t max);

}  // namespace mirrord
