#include "daemon/trust/release.hpp"

#include <nlohmann/json.hpp>

#include "policies/inspect/signing_key.hpp"
#include "policies/inspect/snapshot_manifest.hpp"

namespace mirrord {
namespace {

using nlohmann::json;

// The verdict with the released file marked as such and the counts updated.
std::string released_verdict(const std::string& verdict_json, const QuarantineEntry& entry,
                             const std::string& reason) {
  json verdict = json::parse(verdict_json, nullptr, /*allow_exceptions=*/false);
  if (!verdict.is_object()) {
    verdict = json::object();
  }
  json& files = verdict["files"];
  if (!files.is_array()) {
    files = json::array();
  }
  bool found = false;
  for (json& file : files) {
    if (file.is_object() && file.value("path", "") == entry.file.path) {
      file["status"] = "released";
      file["release_reason"] = reason;
      found = true;
    }
  }
  if (!found) {
    files.push_back(json{{"path", entry.file.path},
                         {"size", entry.file.size},
                         {"sha256", entry.file.sha256.hex()},
                         {"status", "released"},
                         {"reason", entry.reason},
                         {"release_reason", reason}});
  }
  json& counts = verdict["counts"];
  if (counts.is_object()) {
    if (found && counts.value("refused", 0) > 0)
      counts["refused"] = counts.value("refused", 0) - 1;
    counts["released"] = counts.value("released", 0) + 1;
  }
  return verdict.dump();
}

}  // namespace

Result<QuarantineEntry> release_quarantined(Catalog& catalog, std::int64_t id,
                                            const std::string& reason,
                                            const std::filesystem::path& manifest_key_file) {
  if (reason.empty()) {
    return make_error(ErrorCode::kInvalidInput,
                      "a release needs a reason (it is recorded with the release)");
  }
  MIRRORD_TRY_ASSIGN(const auto entry, catalog.find_quarantine(id));
  if (!entry) {
    return make_error(ErrorCode::kNotFound, "no quarantine entry " + std::to_string(id));
  }
  std::optional<SnapshotTrust> trust;
  MIRRORD_TRY_ASSIGN(const auto snapshot, catalog.find_snapshot(entry->repo, entry->commit));
  if (snapshot && entry->released_at == 0) {
    MIRRORD_TRY_ASSIGN(std::vector<SnapshotFile> files, catalog.list_files(snapshot->id));
    MIRRORD_TRY_ASSIGN(const SnapshotTrust current, catalog.snapshot_trust(snapshot->id));
    files.push_back(entry->file);
    const std::string verdict = released_verdict(current.verdict_json, *entry, reason);
    std::optional<SigningKey> key;
    if (!current.manifest.empty()) {
      MIRRORD_TRY_ASSIGN(SigningKey loaded, SigningKey::load_or_create(manifest_key_file));
      key = std::move(loaded);
    }
    trust = signed_trust(entry->repo, entry->commit, files, verdict, key ? &*key : nullptr);
  }
  MIRRORD_TRY(catalog.release_quarantine(id, reason, trust));
  MIRRORD_TRY_ASSIGN(const auto released, catalog.find_quarantine(id));
  if (!released) {
    return make_error(ErrorCode::kInternal, "quarantine entry vanished after its release");
  }
  return *released;
}

}  // namespace mirrord
