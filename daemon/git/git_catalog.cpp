#include "daemon/git/git_catalog.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <set>

namespace mirrord::git {
namespace {

using nlohmann::json;

constexpr std::string_view kLfsPathPrefix = "lfs/objects/";

SnapshotFile lfs_file(const LfsPointer& pointer) {
  return SnapshotFile{std::string(kLfsPathPrefix) + pointer.oid.hex(), pointer.oid,
                      lfs_pointer_oid(pointer.oid, pointer.size), true, pointer.size};
}

// The previous record's LFS files, so that objects of earlier tips stay published (its packs
// are replaced by the ones the repository serves now).
Result<std::vector<SnapshotFile>> previous_lfs_files(Catalog& catalog, const RepoKey& repo) {
  MIRRORD_TRY_ASSIGN(std::vector<SnapshotFile> files, current_record_files(catalog, repo));
  std::erase_if(files, [](const SnapshotFile& file) { return !file.lfs; });
  return files;
}

Status publish_ref_snapshots(Catalog& catalog, const GitSyncRecord& record) {
  std::map<std::string, std::vector<std::string>> refs_by_commit;
  for (const PublishedRef& ref : record.refs) {
    refs_by_commit[ref.commit.value_or(ref.oid)].push_back(ref.name);
  }
  for (auto& [commit, names] : refs_by_commit) {
    NewSnapshot snapshot;
    snapshot.repo = RepoKey{kGitRepoKind, record.name};
    snapshot.commit = commit;
    snapshot.info_json = json{{"url", record.url}}.dump();
    snapshot.refs = std::move(names);
    MIRRORD_TRY(catalog.publish_snapshot(snapshot));
  }
  return {};
}

void add_scope_files(const std::vector<SnapshotFile>& files, LfsScope& scope) {
  for (const SnapshotFile& file : files) {
    if (file.lfs) {
      scope.emplace(file.sha256, file.size);
    }
  }
}

}  // namespace

std::string render_sync_record(const GitSyncRecord& record) {
  json refs = json::object();
  for (const PublishedRef& ref : record.refs) {
    refs[ref.name] = ref.oid;
  }
  return json{{"url", record.url},         {"synced_at", record.synced_at},
              {"head", record.head},       {"refs", std::move(refs)},
              {"refused", record.refused}, {"lfs_objects", record.lfs_objects.size()}}
      .dump();
}

Result<std::vector<SnapshotFile>> current_record_files(Catalog& catalog, const RepoKey& repo) {
  MIRRORD_TRY_ASSIGN(const auto commit, catalog.resolve_ref(repo, kCurrentRef));
  if (!commit) {
    return std::vector<SnapshotFile>();
  }
  MIRRORD_TRY_ASSIGN(const auto snapshot, catalog.find_snapshot(repo, *commit));
  if (!snapshot) {
    return std::vector<SnapshotFile>();
  }
  return catalog.list_files(snapshot->id);
}

Status publish_git_mirror(Catalog& catalog, const GitSyncRecord& record) {
  const RepoKey repo{kGitRepoKind, record.name};
  MIRRORD_TRY(publish_ref_snapshots(catalog, record));
  MIRRORD_TRY_ASSIGN(std::vector<SnapshotFile> files, previous_lfs_files(catalog, repo));
  std::set<std::string> paths;
  for (const SnapshotFile& file : files) {
    paths.insert(file.path);
  }
  for (const LfsPointer& pointer : record.lfs_objects) {
    SnapshotFile file = lfs_file(pointer);
    if (paths.insert(file.path).second) {
      files.push_back(std::move(file));
    }
  }
  files.insert(files.end(), record.packs.begin(), record.packs.end());
  NewSnapshot current;
  current.repo = repo;
  current.info_json = render_sync_record(record);
  current.commit = git_blob_oid_of(current.info_json).hex();
  current.files = std::move(files);
  current.refs = {kCurrentRef};
  MIRRORD_TRY(catalog.publish_snapshot(current));
  return {};
}

Result<LfsScope> lfs_scope_of(Catalog& catalog, const RepoKey& repo) {
  LfsScope scope;
  std::vector<std::string> commits;
  if (repo.kind == kGitRepoKind) {
    MIRRORD_TRY_ASSIGN(const auto commit, catalog.resolve_ref(repo, kCurrentRef));
    if (commit) {
      commits.push_back(*commit);
    }
  } else {
    MIRRORD_TRY_ASSIGN(const std::vector<RefInfo> refs, catalog.list_refs(repo));
    for (const RefInfo& ref : refs) {
      commits.push_back(ref.commit);
    }
  }
  std::set<std::string> seen;
  for (const std::string& commit : commits) {
    if (!seen.insert(commit).second) {
      continue;
    }
    MIRRORD_TRY_ASSIGN(const auto snapshot, catalog.find_snapshot(repo, commit));
    if (snapshot) {
      MIRRORD_TRY_ASSIGN(const std::vector<SnapshotFile> files, catalog.list_files(snapshot->id));
      add_scope_files(files, scope);
    }
  }
  return scope;
}

}  // namespace mirrord::git
