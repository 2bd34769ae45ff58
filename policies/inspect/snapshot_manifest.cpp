#include "policies/inspect/snapshot_manifest.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "policies/inspect/base64.hpp"

namespace mirrord {

std::string build_snapshot_manifest(const RepoKey& repo, const std::string& commit,
                                    std::vector<SnapshotFile> files,
                                    const std::string& verdict_json, const std::string& key_id) {
  using nlohmann::json;
  std::sort(files.begin(), files.end(),
            [](const SnapshotFile& a, const SnapshotFile& b) { return a.path < b.path; });
  json listed = json::array();
  for (const SnapshotFile& file : files) {
    listed.push_back(json{{"path", file.path},
                          {"size", file.size},
                          {"sha256", file.sha256.hex()},
                          {"git_oid", file.git_oid.hex()},
                          {"lfs", file.lfs}});
  }
  json verdict = json::parse(verdict_json, nullptr, /*allow_exceptions=*/false);
  if (verdict.is_discarded()) {
    verdict = json::object();
  }
  return json{{"format", kManifestFormat}, {"repo", {{"kind", repo.kind}, {"name", repo.name}}},
              {"commit", commit},          {"key_id", key_id},
              {"files", listed},           {"verdict", verdict}}
      .dump();
}

SnapshotTrust signed_trust(const RepoKey& repo, const std::string& commit,
                           const std::vector<SnapshotFile>& files, const std::string& verdict_json,
                           const SigningKey* key) {
  SnapshotTrust trust;
  trust.verdict_json = verdict_json;
  if (key != nullptr) {
    trust.manifest = build_snapshot_manifest(repo, commit, files, verdict_json, key->key_id());
    trust.manifest_signature = base64_encode(key->sign(trust.manifest));
  }
  return trust;
}

}  // namespace mirrord
