#include "daemon/pypi/pypi_catalog.hpp"

#include <algorithm>

#include "daemon/upstream_changes.hpp"

namespace mirrord::pypi {
namespace {

// The snapshot behind a drift ref: the flagged files, under a commit derived from their names
// and digests so that an unchanged report is not published again.
NewSnapshot drift_snapshot(const RepoKey& repo, const char* ref,
                           const std::vector<SnapshotFile>& flagged) {
  NewSnapshot snapshot;
  snapshot.repo = repo;
  snapshot.refs = {ref};
  snapshot.files = flagged;
  std::string identity = ref;
  for (const SnapshotFile& file : flagged) {
    identity += "\n" + file.path + " " + file.sha256.hex();
  }
  snapshot.commit = std::string(ref) + "-" + sha256_of(identity).hex().substr(0, 40);
  return snapshot;
}

Status point_drift_ref(Catalog& catalog, const RepoKey& repo, const char* ref,
                       const std::vector<SnapshotFile>& flagged) {
  if (flagged.empty()) {
    MIRRORD_TRY_ASSIGN(const auto existing, catalog.resolve_ref(repo, ref));
    if (!existing) {
      return {};  // never drifted: no line in `mirrorctl ls`
    }
  }
  MIRRORD_TRY(catalog.publish_snapshot(drift_snapshot(repo, ref, flagged)));
  return {};
}

}  // namespace

RepoKey project_repo(std::string_view root, std::string_view project) {
  return RepoKey{kRepoKind, std::string(root) + "/" + std::string(project)};
}

Result<std::optional<std::pair<SnapshotInfo, ProjectState>>> load_current_state(
    Catalog& catalog, const RepoKey& repo) {
  using Found = std::optional<std::pair<SnapshotInfo, ProjectState>>;
  MIRRORD_TRY_ASSIGN(const auto commit, catalog.resolve_ref(repo, kCurrentRef));
  if (!commit) {
    return Found();
  }
  MIRRORD_TRY_ASSIGN(auto snapshot, catalog.find_snapshot(repo, *commit));
  if (!snapshot) {
    return make_error(ErrorCode::kInternal, repo.name + ": ref current names a missing snapshot");
  }
  MIRRORD_TRY_ASSIGN(ProjectState state, ProjectState::from_json(snapshot->info_json));
  return Found(std::make_pair(std::move(*snapshot), std::move(state)));
}

Result<std::optional<CurrentProject>> load_current(Catalog& catalog, const RepoKey& repo) {
  MIRRORD_TRY_ASSIGN(auto found, load_current_state(catalog, repo));
  if (!found) {
    return std::optional<CurrentProject>();
  }
  CurrentProject current{std::move(found->first), std::move(found->second), {}};
  MIRRORD_TRY_ASSIGN(current.files, catalog.list_files(current.snapshot.id));
  return std::optional<CurrentProject>(std::move(current));
}

Result<std::string> publish_project(Catalog& catalog, const RepoKey& repo,
                                    const ProjectState& state,
                                    const std::vector<SnapshotFile>& files) {
  NewSnapshot snapshot;
  snapshot.repo = repo;
  snapshot.commit = state.commit();
  snapshot.files = files;
  snapshot.info_json = state.to_json();
  snapshot.refs = {kCurrentRef};
  // The page serves each wheel's METADATA blob: the snapshot references it, so GC keeps it.
  for (const PublishedFile& file : state.files) {
    if (file.core_metadata) {
      snapshot.extra_blobs.push_back(*file.core_metadata);
    }
  }
  MIRRORD_TRY(catalog.publish_snapshot(snapshot));
  std::vector<SnapshotFile> delisted;
  std::vector<SnapshotFile> refused;
  for (const SnapshotFile& file : files) {
    const PublishedFile* published = state.find(file.path);
    if (published != nullptr && published->delisted) {
      delisted.push_back(file);
      record_upstream_change(catalog, repo, kChangeFileDelisted,
                             file.path + " (sha256 " + file.sha256.hex() +
                                 ") is no longer listed upstream; the mirror keeps serving it");
    }
    if (published != nullptr && published->upstream_sha256) {
      refused.push_back(file);
      record_upstream_change(catalog, repo, kChangeFileReplaced,
                             file.path + ": upstream now lists sha256 " +
                                 published->upstream_sha256->hex() +
                                 "; the mirror keeps serving the published " + file.sha256.hex());
    }
  }
  MIRRORD_TRY(point_drift_ref(catalog, repo, kDelistedRef, delisted));
  MIRRORD_TRY(point_drift_ref(catalog, repo, kRefusedRef, refused));
  return snapshot.commit;
}

Result<std::vector<std::string>> list_projects(Catalog& catalog, std::string_view root) {
  MIRRORD_TRY_ASSIGN(const auto repos, catalog.list_repos());
  const std::string prefix = std::string(root) + "/";
  std::vector<std::string> projects;
  for (const RepoSummary& summary : repos) {
    if (summary.repo.kind == kRepoKind && summary.ref == kCurrentRef &&
        summary.repo.name.starts_with(prefix)) {
      projects.push_back(summary.repo.name.substr(prefix.size()));
    }
  }
  std::sort(projects.begin(), projects.end());
  return projects;
}

}  // namespace mirrord::pypi
