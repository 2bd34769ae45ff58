// How the PyPI ecosystem uses the generic catalog model:
//   repo      kind "pypi", name "<root>/<normalized project>"  (one per project of an index root)
//   snapshot  one per distinct ProjectState; files = distributions (path = filename) and their
//             core metadata (path = "<filename>.metadata"); info_json = the ProjectState
//   refs      "current": the served page. "delisted" / "refused": reports for `mirrorctl ls`, each
//             pointing at a snapshot that holds exactly the files upstream de-listed / the files
//             whose upstream bytes changed (0 files once the drift is gone). Created only when
//             drift first happens, so a clean project shows a single line.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/pypi/project_state.hpp"
#include "storage/catalog.hpp"

namespace mirrord::pypi {

inline constexpr const char* kRepoKind = "pypi";
inline constexpr const char* kCurrentRef = "current";
inline constexpr const char* kDelistedRef = "delisted";
inline constexpr const char* kRefusedRef = "refused";

RepoKey project_repo(std::string_view root, std::string_view project);

struct CurrentProject {
  SnapshotInfo snapshot;
  ProjectState state;
  std::vector<SnapshotFile> files;  // catalog rows: distributions and .metadata blobs
};

// The published state of a project; nullopt when it was never published.
Result<std::optional<CurrentProject>> load_current(Catalog& catalog, const RepoKey& repo);

// Only the snapshot row and its state (no file list): what a page request needs.
Result<std::optional<std::pair<SnapshotInfo, ProjectState>>> load_current_state(
    Catalog& catalog, const RepoKey& repo);

// Publishes `state` with its files as the "current" snapshot (one transaction: every blob is
// already recorded), then points the drift refs. Returns the snapshot's commit.
Result<std::string> publish_project(Catalog& catalog, const RepoKey& repo,
                                    const ProjectState& state,
                                    const std::vector<SnapshotFile>& files);

// Normalized names of the projects published under `root`, sorted.
Result<std::vector<std::string>> list_projects(Catalog& catalog, std::string_view root);

}  // namespace mirrord::pypi
