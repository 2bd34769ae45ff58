#include "daemon/hf/hf_admit.hpp"

#include <algorithm>

#include "policies/inspect/byte_source.hpp"
#include "policies/inspect/snapshot_manifest.hpp"
#include "policies/inspect/trust_anchors.hpp"

namespace mirrord {
namespace {

constexpr std::size_t kMaxCardBytes = 1u << 20;
constexpr std::size_t kMaxSignatureBytes = 16u << 20;

const SnapshotFile* fetched_file(const std::vector<SnapshotFile>& fetched, std::string_view path) {
  const auto found = std::find_if(fetched.begin(), fetched.end(),
                                  [&](const SnapshotFile& file) { return file.path == path; });
  return found == fetched.end() ? nullptr : &*found;
}

}  // namespace

Result<std::string> read_small_blob(const BlobStore& store, const Sha256& digest, std::size_t max) {
  MIRRORD_TRY_ASSIGN(OpenBlob blob, store.open(digest));
  if (blob.size > max) {
    return make_error(ErrorCode::kInvalidInput,
                      "blob " + digest.hex() + " is larger than " + std::to_string(max) + " bytes");
  }
  std::string text(static_cast<std::size_t>(blob.size), '\0');
  FdByteSource source(blob.fd.get(), blob.size);
  MIRRORD_TRY(source.read_at(0, std::as_writable_bytes(std::span(text.data(), text.size()))));
  return text;
}

HfAdmitter::HfAdmitter(const HfTarget& target, const HfManifest& manifest, const BlobStore& store,
                       Catalog& catalog)
    : target_(target),
      manifest_(manifest),
      store_(store),
      catalog_(catalog),
      admission_(target.admission) {}

Status HfAdmitter::inspect(const ManifestEntry& entry, const BlobInfo& blob) {
  const RepoKey repo{manifest_.repo_type, manifest_.repo};
  MIRRORD_TRY_ASSIGN(const auto release, catalog_.find_release(repo, entry.path, blob.sha256));
  if (release) {
    std::lock_guard lock(mutex_);
    admission_.add_release(entry.path, blob.size, blob.sha256, release->release_reason);
    return {};
  }
  MIRRORD_TRY_ASSIGN(OpenBlob open, store_.open(blob.sha256));
  const FdByteSource source(open.fd.get(), open.size);
  const InspectRules rules{target_.admission.pickles, target_.admission.remote_code};
  auto inspection = inspect_model_file(entry.path, source, rules);
  if (!inspection) {
    return make_error(inspection.error().code, entry.path + ": cannot inspect the stored file: " +
                                                   inspection.error().message);
  }
  std::lock_guard lock(mutex_);
  admission_.add_inspection(entry.path, blob.size, blob.sha256, std::move(*inspection));
  return {};
}

Result<std::optional<FoundLicense>> HfAdmitter::find_license(
    const std::vector<SnapshotFile>& fetched) const {
  if (auto from_info = license_from_info(manifest_.info_json)) {
    return from_info;
  }
  const SnapshotFile* card = fetched_file(fetched, "README.md");
  if (card == nullptr) {
    return std::optional<FoundLicense>();
  }
  auto text = read_small_blob(store_, card->sha256, kMaxCardBytes);
  if (!text) {
    return text.error().code == ErrorCode::kInvalidInput
               ? Result<std::optional<FoundLicense>>(std::optional<FoundLicense>())
               : text.error();
  }
  return license_from_card(*text);
}

Result<std::optional<ModelSignatureVerdict>> HfAdmitter::check_signature(
    const std::vector<SnapshotFile>& fetched) const {
  const SnapshotFile* signature = fetched_file(fetched, kModelSignatureFile);
  if (target_.admission.signature == SignatureRule::kIgnore || signature == nullptr) {
    return std::optional<ModelSignatureVerdict>();
  }
  MIRRORD_TRY_ASSIGN(const TrustAnchors anchors,
                     TrustAnchors::load(target_.admission.trusted_keys));
  auto bundle = read_small_blob(store_, signature->sha256, kMaxSignatureBytes);
  if (!bundle) {
    if (bundle.error().code != ErrorCode::kInvalidInput) {
      return bundle.error();
    }
    ModelSignatureVerdict oversized;
    oversized.reason = bundle.error().message;
    return std::optional(oversized);
  }
  ModelSignatureInput input;
  input.bundle = *bundle;
  input.ignore_paths = target_.admission.signature_ignore_paths;
  input.anchors = &anchors;
  // The whole repo at this commit: what the mirror downloaded has a known sha256; other LFS files
  // have theirs from the tree; the rest can only be checked for presence.
  for (const ManifestEntry& entry : manifest_.files) {
    const SnapshotFile* got = fetched_file(fetched, entry.path);
    input.files.push_back({entry.path, got != nullptr ? std::optional(got->sha256) : entry.sha256});
  }
  return std::optional(verify_model_signature(input));
}

Status HfAdmitter::quarantine(const std::vector<SnapshotFile>& fetched) {
  const RepoKey repo{manifest_.repo_type, manifest_.repo};
  for (const FileVerdict* refused : admission_.refused()) {
    const SnapshotFile* file = fetched_file(fetched, refused->path);
    if (file == nullptr) {
      continue;  // withheld before the download: there are no bytes to keep
    }
    QuarantineEntry entry;
    entry.repo = repo;
    entry.commit = manifest_.commit;
    entry.file = *file;
    entry.reason = refused->inspection.reason;
    MIRRORD_TRY(catalog_.record_quarantine(entry));
    ++quarantined_;
  }
  return {};
}

Result<NewSnapshot> HfAdmitter::conclude(const std::vector<SnapshotFile>& fetched,
                                         const SigningKey* key) {
  MIRRORD_TRY_ASSIGN(auto license, find_license(fetched));
  admission_.set_license(std::move(license));
  MIRRORD_TRY_ASSIGN(auto signature, check_signature(fetched));
  admission_.set_signature(std::move(signature));
  MIRRORD_TRY(quarantine(fetched));
  NewSnapshot snapshot;
  snapshot.repo = RepoKey{manifest_.repo_type, manifest_.repo};
  snapshot.commit = manifest_.commit;
  snapshot.info_json = manifest_.info_json;
  for (const SnapshotFile& file : fetched) {
    if (admission_.admitted(file.path)) {
      snapshot.files.push_back(file);
    }
  }
  if (Status decision = admission_.decide(); !decision) {
    std::string message = decision.error().message;
    if (quarantined_ > 0) {
      message += " (" + std::to_string(quarantined_) +
                 " refused file(s) quarantined: see `mirrorctl quarantine ls`)";
    }
    return make_error(ErrorCode::kPolicy, message);
  }
  if (snapshot.files.empty()) {
    return make_error(ErrorCode::kPolicy, "every selected file of " + manifest_.repo +
                                              " was refused; nothing to publish (see "
                                              "`mirrorctl quarantine ls`)");
  }
  snapshot.trust = signed_trust(snapshot.repo, snapshot.commit, snapshot.files,
                                admission_.verdict_json(""), key);
  return snapshot;
}

}  // namespace mirrord
