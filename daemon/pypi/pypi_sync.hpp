// One sync of one project of an index root: read the upstream page, refresh what is published
// (yank state, upload time, drift flags), fetch the files the filter adds, and publish the new
// page in one catalog transaction after every blob it names is stored (files first, then page).
//
// Published files are never dropped: a file upstream de-lists stays served and is flagged
// "delisted"; a file whose bytes upstream replaced under the same name keeps its published bytes
// and is flagged with the upstream's new sha256 ("refused"). Both show in `mirrorctl ls`.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "daemon/jobs/job_manager.hpp"
#include "daemon/pypi/pypi_file_fetch.hpp"
#include "daemon/pypi/pypi_filters.hpp"
#include "daemon/pypi/pypi_upstream.hpp"
#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"

namespace mirrord::pypi {

// One mutex per project repo, so that two pulls touching the same project (a policy and an
// ad-hoc target, or two dependencies' closures) publish one after the other, never over each
// other's additions.
class ProjectLocks {
 public:
  std::shared_ptr<std::mutex> get(const std::string& repo_name);

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<std::mutex>> locks_;
};

struct SyncContext {
  Catalog& catalog;
  BlobStore& store;
  const PypiUpstream& upstream;
  const FileFetchDeps& files;
  ProjectLocks& locks;
  JobContext& job;
  std::string root;                  // index root name
  std::vector<std::string> indexes;  // upstream index URLs, in the order to read them
  int parallel_files = 4;
  std::uint64_t files_total = 0;  // running totals reported to the job
  std::uint64_t bytes_total = 0;
};

struct ProjectSync {
  std::string commit;                     // of the published state
  std::vector<Error> failures;            // files that could not be added, new drift
  std::vector<Sha256> selected_metadata;  // .metadata of the wheels the filter selects
};

// Errors are project-wide (the page could not be read, the catalog failed, cancellation).
Result<ProjectSync> sync_project(const std::string& project, const FileFilter& filter,
                                 SyncContext& context);

}  // namespace mirrord::pypi
