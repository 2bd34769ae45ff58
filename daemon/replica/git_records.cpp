#include "daemon/replica/git_records.hpp"

#include <algorithm>
#include <map>

#include "daemon/git/git_catalog.hpp"
#include "daemon/git/git_pack_blobs.hpp"
#include "daemon/git/git_replica_install.hpp"

namespace mirrord::replica {
namespace {

bool is_sync_record(const NewSnapshot& snapshot) {
  return std::find(snapshot.refs.begin(), snapshot.refs.end(), git::kCurrentRef) !=
         snapshot.refs.end();
}

// Adds one record of a git mirror to what its installation needs.
Status add_record(const NewSnapshot& snapshot, git::GitReplica& replica, bool& has_sync) {
  if (!is_sync_record(snapshot)) {
    for (const std::string& ref : snapshot.refs) {
      replica.ref_commits[ref] = snapshot.commit;
    }
    return {};
  }
  if (has_sync) {
    return make_error(ErrorCode::kInvalidInput,
                      "git mirror " + replica.name + ": two records hold the current ref");
  }
  has_sync = true;
  replica.sync_info_json = snapshot.info_json;
  for (const SnapshotFile& file : snapshot.files) {
    if (!git::pack_name_of_path(file.path).empty() && !file.lfs) {
      replica.packs.push_back(file.sha256);
    }
  }
  return {};
}

}  // namespace

Status install_git_records(const std::vector<VerifiedRecord>& records, const BlobStore& store,
                           const std::filesystem::path& storage_root) {
  std::map<std::string, git::GitReplica> replicas;
  std::map<std::string, bool> has_sync;
  for (const VerifiedRecord& record : records) {
    const NewSnapshot& snapshot = record.snapshot;
    if (snapshot.repo.kind != git::kGitRepoKind) {
      continue;
    }
    git::GitReplica& replica = replicas[snapshot.repo.name];
    replica.name = snapshot.repo.name;
    MIRRORD_TRY(add_record(snapshot, replica, has_sync[snapshot.repo.name]));
  }
  for (const auto& [name, replica] : replicas) {
    if (!has_sync[name]) {
      return make_error(ErrorCode::kInvalidInput,
                        "git mirror " + name + ": no record holds its current sync record");
    }
    if (storage_root.empty()) {
      return make_error(ErrorCode::kInvalidInput,
                        "git mirror " + name + " cannot be applied here (no storage root)");
    }
    MIRRORD_TRY(git::install_git_replica(replica, store, storage_root));
  }
  return {};
}

}  // namespace mirrord::replica
