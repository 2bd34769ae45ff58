#include "daemon/trust/scrub.hpp"

#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "policies/inspect/base64.hpp"
#include "policies/inspect/byte_source.hpp"
#include "policies/inspect/signing_key.hpp"

namespace mirrord {
namespace {

constexpr std::size_t kChunk = 1 << 20;
constexpr std::size_t kMaxListedProblems = 20;

std::string where(const SnapshotInfo& snapshot) {
  return snapshot.repo.kind + ":" + snapshot.repo.name + "@" + snapshot.commit.substr(0, 12);
}

// Re-hashes one blob; a problem text, or empty when it is intact.
Result<std::string> check_blob(const BlobStore& store, const Sha256& digest, std::uint64_t size,
                               std::uint64_t& hashed, JobContext* context) {
  auto blob = store.open(digest);
  if (!blob) {
    return blob.error().code == ErrorCode::kNotFound
               ? Result<std::string>("blob " + digest.hex() + " is missing from the store")
               : Result<std::string>(blob.error());
  }
  if (blob->size != size) {
    return "blob " + digest.hex() + " holds " + std::to_string(blob->size) + " bytes, not " +
           std::to_string(size);
  }
  FdByteSource source(blob->fd.get(), blob->size);
  Sha256Hasher hasher;
  std::vector<std::byte> buffer(kChunk);
  for (std::uint64_t offset = 0; offset < blob->size;) {
    const std::size_t take =
        static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, blob->size - offset));
    MIRRORD_TRY(source.read_at(offset, std::span(buffer.data(), take)));
    hasher.update(std::span<const std::byte>(buffer.data(), take));
    offset += take;
    hashed += take;
    if (context != nullptr) {
      context->add_bytes(take);
    }
  }
  if (hasher.finish() != digest) {
    return "blob " + digest.hex() + " no longer hashes to its name (corrupted on disk)";
  }
  return std::string();
}

// The manifest must verify and list exactly the snapshot's files.
std::string check_manifest(const SnapshotInfo& snapshot, const SnapshotTrust& trust,
                           const std::vector<SnapshotFile>& files, const std::string& public_pem) {
  if (trust.manifest.empty()) {
    return {};  // published without a manifest (before manifests existed, or without a key)
  }
  const auto signature = base64_decode_strict(trust.manifest_signature);
  if (public_pem.empty() || !signature || !verify_ed25519(public_pem, trust.manifest, *signature)) {
    return where(snapshot) + ": the signed manifest does not verify with the mirror's key";
  }
  const auto manifest = nlohmann::json::parse(trust.manifest, nullptr, false);
  std::map<std::string, std::string> listed;
  if (manifest.is_object() && manifest.contains("files") && manifest["files"].is_array()) {
    for (const auto& file : manifest["files"]) {
      listed[file.value("path", "")] = file.value("sha256", "");
    }
  }
  std::map<std::string, std::string> stored;
  for (const SnapshotFile& file : files)
    stored[file.path] = file.sha256.hex();
  if (listed != stored) {
    return where(snapshot) + ": the catalog's files differ from the signed manifest";
  }
  return {};
}

std::string public_key_pem(const std::filesystem::path& key_file) {
  std::error_code ec;
  if (!std::filesystem::exists(key_file, ec)) {
    return {};
  }
  auto key = SigningKey::load_or_create(key_file);
  return key ? key->public_pem() : std::string();
}

class Scrubber {
 public:
  Scrubber(Catalog& catalog, const BlobStore& store, JobContext* context)
      : catalog_(catalog), store_(store), context_(context) {}

  Status blob(const Sha256& digest, std::uint64_t size, const std::string& label) {
    if (!seen_.insert(digest).second) {
      return {};
    }
    ++report_.blobs;
    MIRRORD_TRY_ASSIGN(const std::string problem,
                       check_blob(store_, digest, size, report_.bytes, context_));
    if (!problem.empty()) {
      report_.problems.push_back(label + ": " + problem);
    }
    return {};
  }

  Status snapshot(const SnapshotInfo& snapshot, const std::string& public_pem) {
    ++report_.snapshots;
    MIRRORD_TRY_ASSIGN(const auto files, catalog_.list_files(snapshot.id));
    for (const SnapshotFile& file : files) {
      ++report_.files;
      MIRRORD_TRY(blob(file.sha256, file.size, where(snapshot) + " " + file.path));
      if (context_ != nullptr)
        context_->file_done();
    }
    MIRRORD_TRY_ASSIGN(const SnapshotTrust trust, catalog_.snapshot_trust(snapshot.id));
    if (std::string problem = check_manifest(snapshot, trust, files, public_pem);
        !problem.empty()) {
      report_.problems.push_back(std::move(problem));
    } else if (!trust.manifest.empty()) {
      ++report_.manifests;
    }
    return {};
  }

  ScrubReport& report() { return report_; }

 private:
  Catalog& catalog_;
  const BlobStore& store_;
  JobContext* context_;
  std::set<Sha256> seen_;
  ScrubReport report_;
};

}  // namespace

Result<ScrubReport> scrub(Catalog& catalog, const BlobStore& store,
                          const std::filesystem::path& manifest_key_file,
                          const std::optional<RepoKey>& repo, JobContext* context) {
  MIRRORD_TRY_ASSIGN(const auto snapshots, catalog.list_snapshots());
  MIRRORD_TRY_ASSIGN(const auto quarantined, catalog.list_quarantine(false));
  if (context != nullptr) {
    std::uint64_t files = 0, bytes = 0;
    for (const SnapshotInfo& s : snapshots) {
      if (!repo || s.repo == *repo)
        files += s.file_count, bytes += s.total_bytes;
    }
    context->set_totals(files, bytes);
  }
  const std::string public_pem = public_key_pem(manifest_key_file);
  Scrubber scrubber(catalog, store, context);
  for (const SnapshotInfo& snapshot : snapshots) {
    if (context != nullptr && context->cancelled()) {
      return make_error(ErrorCode::kCancelled, "the verify was interrupted; run it again");
    }
    if (!repo || snapshot.repo == *repo) {
      MIRRORD_TRY(scrubber.snapshot(snapshot, public_pem));
    }
  }
  for (const QuarantineEntry& entry : quarantined) {
    if (!repo || entry.repo == *repo) {
      MIRRORD_TRY(scrubber.blob(entry.file.sha256, entry.file.size,
                                "quarantine #" + std::to_string(entry.id) + " " + entry.file.path));
    }
  }
  return std::move(scrubber.report());
}

JobWork make_scrub_work(std::shared_ptr<Catalog> catalog, std::shared_ptr<BlobStore> store,
                        std::filesystem::path manifest_key_file, std::optional<RepoKey> repo) {
  return [=](JobContext& context) -> Status {
    MIRRORD_TRY_ASSIGN(const ScrubReport report,
                       scrub(*catalog, *store, manifest_key_file, repo, &context));
    if (report.problems.empty()) {
      return {};
    }
    std::string message = std::to_string(report.problems.size()) + " problem(s) found:";
    for (std::size_t i = 0; i < report.problems.size() && i < kMaxListedProblems; ++i) {
      message += "\n  " + report.problems[i];
    }
    if (report.problems.size() > kMaxListedProblems) {
      message +=
          "\n  ... and " + std::to_string(report.problems.size() - kMaxListedProblems) + " more";
    }
    return make_error(ErrorCode::kDigestMismatch, message);
  };
}

}  // namespace mirrord
