#include "daemon/replica/snapshot_record.hpp"

#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "daemon/pypi/project_state.hpp"
#include "daemon/pypi/pypi_catalog.hpp"
#include "daemon/replica/record_blobs.hpp"
#include "daemon/replica/record_checks.hpp"
#include "policies/inspect/snapshot_manifest.hpp"

namespace mirrord::replica {
namespace {

using nlohmann::json;

// --- export ---------------------------------------------------------------------------------

json files_json(const std::vector<SnapshotFile>& files) {
  json listed = json::array();
  for (const SnapshotFile& file : files) {
    listed.push_back(json{{"path", file.path},
                          {"sha256", file.sha256.hex()},
                          {"git_oid", file.git_oid.hex()},
                          {"lfs", file.lfs},
                          {"size", file.size}});
  }
  return listed;
}

// The blobs a snapshot needs besides its files: a PyPI project's page serves each wheel's core
// metadata (the snapshot's extra blobs), which its state names.
Result<std::set<Sha256>> extra_blobs_of(const SnapshotInfo& snapshot) {
  std::set<Sha256> digests;
  if (snapshot.repo.kind != pypi::kRepoKind ||
      !json::parse(snapshot.info_json, nullptr, false).contains("files")) {
    return digests;  // not a project page (PyPI's drift snapshots list flagged files only)
  }
  MIRRORD_TRY_ASSIGN(const pypi::ProjectState state,
                     pypi::ProjectState::from_json(snapshot.info_json));
  for (const pypi::PublishedFile& file : state.files) {
    if (file.core_metadata) {
      digests.insert(*file.core_metadata);
    }
  }
  return digests;
}

Result<json> extra_blobs_json(Catalog& catalog, const SnapshotInfo& snapshot) {
  MIRRORD_TRY_ASSIGN(const auto digests, extra_blobs_of(snapshot));
  json listed = json::array();
  for (const Sha256& digest : digests) {
    MIRRORD_TRY_ASSIGN(const auto blob, catalog.find_blob(digest));
    if (!blob) {
      return make_error(ErrorCode::kInternal, "extra blob " + digest.hex() + " is not recorded");
    }
    listed.push_back(json{{"sha256", digest.hex()}, {"size", blob->size}});
  }
  return listed;
}

Result<std::string> record_bytes(Catalog& catalog, const SnapshotInfo& snapshot,
                                 const std::vector<std::string>& refs, const std::string& key_id) {
  MIRRORD_TRY_ASSIGN(const auto files, catalog.list_files(snapshot.id));
  MIRRORD_TRY_ASSIGN(json extra, extra_blobs_json(catalog, snapshot));
  MIRRORD_TRY_ASSIGN(const SnapshotTrust trust, catalog.snapshot_trust(snapshot.id));
  const json record{{"format", kRecordFormat},
                    {"repo", {{"kind", snapshot.repo.kind}, {"name", snapshot.repo.name}}},
                    {"commit", snapshot.commit},
                    {"files", files_json(files)},
                    {"extra_blobs", std::move(extra)},
                    {"info_json", snapshot.info_json},
                    {"refs", refs},
                    {"verdict", trust.verdict_json},
                    {"manifest", trust.manifest},
                    {"manifest_signature", trust.manifest_signature},
                    {"key_id", key_id}};
  return record.dump();
}

// --- verification ---------------------------------------------------------------------------

Error invalid(const std::string& reason) {
  return make_error(ErrorCode::kInvalidInput, "snapshot record: " + reason);
}

const std::set<std::string>& record_keys() {
  static const std::set<std::string> keys{
      "commit",   "extra_blobs",        "files", "format", "info_json", "key_id",
      "manifest", "manifest_signature", "refs",  "repo",   "verdict"};
  return keys;
}

Result<std::string> string_field(const json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end() || !it->is_string()) {
    return invalid(std::string("field '") + name + "' is missing or not a string");
  }
  return it->get<std::string>();
}

Result<std::uint64_t> size_field(const json& object) {
  const auto it = object.find("size");
  if (it == object.end() || !it->is_number_unsigned()) {
    return invalid("a 'size' is missing or not a non-negative integer");
  }
  const auto size = it->get<std::uint64_t>();
  if (auto bad = check_size(size)) {
    return invalid(*bad);
  }
  return size;
}

Result<Sha256> sha256_field(const json& object) {
  MIRRORD_TRY_ASSIGN(const std::string hex, string_field(object, "sha256"));
  const auto digest = Sha256::from_hex(hex);
  if (!digest || digest->hex() != hex) {
    return invalid("sha256 '" + hex.substr(0, 80) + "' is not 64 lower-case hex digits");
  }
  return *digest;
}

Result<SnapshotFile> parse_file(const json& entry) {
  if (!entry.is_object() || entry.size() != 5) {
    return invalid("a file entry is not an object of path, sha256, git_oid, lfs and size");
  }
  SnapshotFile file;
  MIRRORD_TRY_ASSIGN(file.path, string_field(entry, "path"));
  if (auto bad = check_file_path(file.path)) {
    return invalid("file: " + *bad);
  }
  MIRRORD_TRY_ASSIGN(file.sha256, sha256_field(entry));
  MIRRORD_TRY_ASSIGN(const std::string oid, string_field(entry, "git_oid"));
  const auto git_oid = GitOid::from_hex(oid);
  if (!git_oid || git_oid->hex() != oid) {
    return invalid("file " + file.path + ": git_oid is not 40 lower-case hex digits");
  }
  file.git_oid = *git_oid;
  const auto lfs = entry.find("lfs");
  if (lfs == entry.end() || !lfs->is_boolean()) {
    return invalid("file " + file.path + ": 'lfs' is missing or not a boolean");
  }
  file.lfs = lfs->get<bool>();
  MIRRORD_TRY_ASSIGN(file.size, size_field(entry));
  return file;
}

Result<std::vector<SnapshotFile>> parse_files(const json& record) {
  const auto it = record.find("files");
  if (it == record.end() || !it->is_array()) {
    return invalid("field 'files' is missing or not an array");
  }
  std::vector<SnapshotFile> files;
  std::set<std::string> paths;
  for (const json& entry : *it) {
    MIRRORD_TRY_ASSIGN(SnapshotFile file, parse_file(entry));
    if (!paths.insert(file.path).second) {
      return invalid("path " + file.path + " is listed twice");
    }
    files.push_back(std::move(file));
  }
  return files;
}

Result<std::vector<RecordBlob>> parse_extra_blobs(const json& record) {
  const auto it = record.find("extra_blobs");
  if (it == record.end() || !it->is_array()) {
    return invalid("field 'extra_blobs' is missing or not an array");
  }
  std::vector<RecordBlob> blobs;
  for (const json& entry : *it) {
    if (!entry.is_object() || entry.size() != 2) {
      return invalid("an extra blob is not an object of sha256 and size");
    }
    RecordBlob blob;
    MIRRORD_TRY_ASSIGN(blob.sha256, sha256_field(entry));
    MIRRORD_TRY_ASSIGN(blob.size, size_field(entry));
    blobs.push_back(blob);
  }
  return blobs;
}

Result<std::vector<std::string>> parse_refs(const json& record) {
  const auto it = record.find("refs");
  if (it == record.end() || !it->is_array()) {
    return invalid("field 'refs' is missing or not an array");
  }
  std::vector<std::string> refs;
  for (const json& ref : *it) {
    if (!ref.is_string()) {
      return invalid("a ref is not a string");
    }
    if (auto bad = check_ref(ref.get<std::string>())) {
      return invalid(*bad);
    }
    refs.push_back(ref.get<std::string>());
  }
  return refs;
}

Result<RepoKey> parse_repo(const json& record) {
  const auto it = record.find("repo");
  if (it == record.end() || !it->is_object() || it->size() != 2) {
    return invalid("field 'repo' is not an object of kind and name");
  }
  RepoKey repo;
  MIRRORD_TRY_ASSIGN(repo.kind, string_field(*it, "kind"));
  MIRRORD_TRY_ASSIGN(repo.name, string_field(*it, "name"));
  if (auto bad = check_repo_kind(repo.kind)) {
    return invalid(*bad);
  }
  if (auto bad = check_repo_name(repo.name)) {
    return invalid(*bad);
  }
  return repo;
}

Result<SnapshotTrust> parse_trust(const json& record) {
  SnapshotTrust trust;
  MIRRORD_TRY_ASSIGN(trust.verdict_json, string_field(record, "verdict"));
  if (auto bad = check_json_object_text(trust.verdict_json)) {
    return invalid("verdict: " + *bad);
  }
  MIRRORD_TRY_ASSIGN(trust.manifest, string_field(record, "manifest"));
  MIRRORD_TRY_ASSIGN(trust.manifest_signature, string_field(record, "manifest_signature"));
  if (trust.manifest.size() > kMaxTextField || trust.manifest_signature.size() > 1024) {
    return invalid("manifest or its signature is too long");
  }
  return trust;
}

Result<json> parse_canonical(const std::string& bytes) {
  json record = json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (record.is_discarded() || !record.is_object()) {
    return invalid("not a JSON object");
  }
  // Sorted keys, no whitespace, no duplicate keys: what was signed is what is read.
  if (record.dump() != bytes) {
    return invalid("not in canonical form (sorted keys, no whitespace)");
  }
  for (const auto& [key, value] : record.items()) {
    if (!record_keys().contains(key)) {
      return invalid("unknown field '" + key + "'");
    }
  }
  MIRRORD_TRY_ASSIGN(const std::string format, string_field(record, "format"));
  if (format != kRecordFormat) {
    return invalid("format '" + format.substr(0, 80) + "' is not " + std::string(kRecordFormat));
  }
  return record;
}

Result<NewSnapshot> parse_snapshot(const json& record) {
  NewSnapshot snapshot;
  MIRRORD_TRY_ASSIGN(snapshot.repo, parse_repo(record));
  MIRRORD_TRY_ASSIGN(snapshot.commit, string_field(record, "commit"));
  if (auto bad = check_commit(snapshot.commit)) {
    return invalid(*bad);
  }
  MIRRORD_TRY_ASSIGN(snapshot.files, parse_files(record));
  MIRRORD_TRY_ASSIGN(snapshot.info_json, string_field(record, "info_json"));
  if (auto bad = check_json_object_text(snapshot.info_json)) {
    return invalid("info_json: " + *bad);
  }
  MIRRORD_TRY_ASSIGN(snapshot.refs, parse_refs(record));
  MIRRORD_TRY_ASSIGN(snapshot.trust, parse_trust(record));
  return snapshot;
}

// The id of the pinned key whose signature over `record` verifies.
Result<std::string> verifying_key(const SignedRecord& record,
                                  const std::vector<std::string>& trusted_public_pems) {
  for (const std::string& pem : trusted_public_pems) {
    if (verify_ed25519(pem, record.bytes, record.signature)) {
      return public_key_id(pem);
    }
  }
  return invalid("the signature verifies with none of the " +
                 std::to_string(trusted_public_pems.size()) + " trusted keys");
}

}  // namespace

void sign_manifest_as(VerifiedRecord& record, const SigningKey& key) {
  NewSnapshot& snapshot = record.snapshot;
  if (!snapshot.trust.manifest.empty()) {
    snapshot.trust = signed_trust(snapshot.repo, snapshot.commit, snapshot.files,
                                  snapshot.trust.verdict_json, &key);
  }
}

Result<std::vector<SignedRecord>> export_records(Catalog& catalog, const RepoKey& repo,
                                                 const SigningKey& key) {
  if (auto refused = check_repo_kind(repo.kind)) {
    return make_error(ErrorCode::kInvalidInput, repo.kind + ":" + repo.name + ": " + *refused);
  }
  MIRRORD_TRY_ASSIGN(const auto all, catalog.list_snapshots());
  MIRRORD_TRY_ASSIGN(const auto refs, catalog.list_refs(repo));
  std::map<std::string, std::vector<std::string>> refs_by_commit;
  for (const RefInfo& ref : refs) {
    refs_by_commit[ref.commit].push_back(ref.name);
  }
  std::vector<SignedRecord> records;
  for (const SnapshotInfo& snapshot : all) {
    if (!(snapshot.repo == repo)) {
      continue;
    }
    if (repo.kind == "git" && refs_by_commit[snapshot.commit].empty()) {
      continue;  // an earlier sync's record or commit: its packs are superseded by the current
    }
    MIRRORD_TRY_ASSIGN(
        std::string bytes,
        record_bytes(catalog, snapshot, refs_by_commit[snapshot.commit], key.key_id()));
    std::string signature = key.sign(bytes);
    records.push_back(SignedRecord{std::move(bytes), std::move(signature)});
  }
  if (records.empty()) {
    return make_error(ErrorCode::kNotFound,
                      repo.kind + ":" + repo.name + " has no published snapshot");
  }
  return records;
}

Result<VerifiedRecord> verify_record(const SignedRecord& record,
                                     const std::vector<std::string>& trusted_public_pems) {
  if (record.bytes.size() > 4 * kMaxTextField) {
    return invalid("over 256 MiB");
  }
  if (record.signature.size() != 64) {
    return invalid("the signature is not 64 bytes");
  }
  VerifiedRecord verified;
  MIRRORD_TRY_ASSIGN(verified.key_id, verifying_key(record, trusted_public_pems));
  MIRRORD_TRY_ASSIGN(const json parsed, parse_canonical(record.bytes));
  MIRRORD_TRY_ASSIGN(verified.snapshot, parse_snapshot(parsed));
  MIRRORD_TRY_ASSIGN(const std::string key_id, string_field(parsed, "key_id"));
  if (key_id != verified.key_id) {
    return invalid("names key " + key_id.substr(0, 80) + " but was signed by " + verified.key_id);
  }
  MIRRORD_TRY_ASSIGN(const auto extra, parse_extra_blobs(parsed));
  for (const RecordBlob& blob : extra) {
    verified.snapshot.extra_blobs.push_back(blob.sha256);
  }
  auto blobs = blobs_of(verified.snapshot.files, extra);
  if (!blobs) {
    return invalid(blobs.error().message);
  }
  verified.blobs = std::move(*blobs);
  return verified;
}

}  // namespace mirrord::replica
