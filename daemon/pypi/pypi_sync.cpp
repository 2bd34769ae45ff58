#include "daemon/pypi/pypi_sync.hpp"

#include <atomic>
#include <cstdio>
#include <thread>

#include "daemon/pypi/pypi_catalog.hpp"
#include "daemon/pypi/pypi_indexes.hpp"
#include "daemon/upstream_changes.hpp"

namespace mirrord::pypi {
namespace {

struct Addition {
  const UpstreamFile* upstream = nullptr;
  DistFilename dist;
  std::optional<Result<FetchedFile>> result;
};

// Runs fetch(i) for every addition on up to `workers` threads.
void fetch_all(std::vector<Addition>& additions, int workers, SyncContext& context) {
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t i = next++; i < additions.size() && !context.job.cancelled(); i = next++) {
      Addition& addition = additions[i];
      addition.result = fetch_distribution(*addition.upstream, addition.dist, context.files);
      context.job.file_done();
    }
  };
  const int count = std::max(1, std::min<int>(workers, static_cast<int>(additions.size())));
  std::vector<std::thread> threads;
  for (int i = 1; i < count; ++i) {
    threads.emplace_back(work);
  }
  work();
  for (std::thread& thread : threads) {
    thread.join();
  }
}

// Brings the published files up to date with the page; new drift is reported in `failures`.
void refresh(ProjectState& state, const std::map<std::string, const UpstreamFile*>& listed,
             std::vector<Error>& failures) {
  for (PublishedFile& file : state.files) {
    const auto it = listed.find(file.filename);
    if (it == listed.end()) {
      file.delisted = true;  // yank state as last seen: upstream no longer says anything
      continue;
    }
    const UpstreamFile& upstream = *it->second;
    file.delisted = false;
    file.yanked = upstream.yanked;
    if (file.upload_time.empty()) {
      file.upload_time = upstream.upload_time;
    }
    if (upstream.sha256 && *upstream.sha256 != file.sha256) {
      if (file.upstream_sha256 != upstream.sha256) {
        failures.push_back(
            make_error(ErrorCode::kConflict,
                       file.filename + ": upstream now lists sha256 " + upstream.sha256->hex() +
                           " under this name; the published bytes (" + file.sha256.hex() +
                           ") stay served and the new ones are refused"));
      }
      file.upstream_sha256 = upstream.sha256;
    } else {
      file.upstream_sha256.reset();
    }
  }
}

void add_fetched(const Addition& addition, const FetchedFile& fetched, ProjectState& state,
                 std::map<std::string, SnapshotFile>& rows) {
  const UpstreamFile& upstream = *addition.upstream;
  PublishedFile file;
  file.filename = upstream.filename;
  file.version = addition.dist.version->str();
  file.sha256 = fetched.blob.sha256;
  file.size = fetched.blob.size;
  file.requires_python =
      fetched.requires_python.value_or(upstream.requires_python.value_or(std::string()));
  file.yanked = upstream.yanked;
  file.upload_time = upstream.upload_time;
  file.review = fetched.review;
  // Only Hugging Face trees show git blob ids; the null id stands in where none was computed.
  rows[file.filename] =
      SnapshotFile{file.filename, fetched.blob.sha256, fetched.blob.git_oid.value_or(GitOid()),
                   false, fetched.blob.size};
  if (fetched.metadata) {
    file.core_metadata = fetched.metadata->sha256;
    const std::string path = metadata_path(file.filename);
    rows[path] =
        SnapshotFile{path, fetched.metadata->sha256, fetched.metadata->git_oid.value_or(GitOid()),
                     false, fetched.metadata->size};
  }
  state.files.push_back(std::move(file));
}

void log_page_problems(const SyncContext& context, const std::string& project,
                       const UpstreamPage& page) {
  for (const std::string& problem : page.problems) {
    std::fprintf(stderr, "<4>mirrord: pypi %s/%s: %s\n", context.root.c_str(), project.c_str(),
                 problem.c_str());
  }
}

}  // namespace

std::shared_ptr<std::mutex> ProjectLocks::get(const std::string& repo_name) {
  std::lock_guard lock(mutex_);
  auto& entry = locks_[repo_name];
  if (!entry) {
    entry = std::make_shared<std::mutex>();
  }
  return entry;
}

Result<ProjectSync> sync_project(const std::string& project, const FileFilter& filter,
                                 SyncContext& context) {
  const RepoKey repo = project_repo(context.root, project);
  const std::shared_ptr<std::mutex> project_mutex = context.locks.get(repo.name);
  std::lock_guard project_lock(*project_mutex);
  auto fetched_page = project_page_from_indexes(context.upstream, context.indexes, project);
  if (!fetched_page) {
    return note_upstream_gone(context.catalog, repo, fetched_page.error());
  }
  const UpstreamPage page = std::move(fetched_page).value();
  log_page_problems(context, project, page);
  MIRRORD_TRY_ASSIGN(auto current, load_current(context.catalog, repo));
  ProjectState state;
  state.project = project;
  std::map<std::string, SnapshotFile> rows;
  if (current) {
    state = current->state;
    for (const SnapshotFile& row : current->files) {
      rows[row.path] = row;
    }
  }
  std::map<std::string, const UpstreamFile*> listed;
  for (const UpstreamFile& file : page.files) {
    listed[file.filename] = &file;
  }
  ProjectSync sync;
  refresh(state, listed, sync.failures);
  const std::vector<SelectedFile> selected = select_files(page.files, project, filter);
  std::vector<Addition> additions;
  for (const SelectedFile& chosen : selected) {
    if (state.find(page.files[chosen.index].filename) == nullptr) {
      additions.push_back(Addition{&page.files[chosen.index], chosen.dist, std::nullopt});
      context.bytes_total += page.files[chosen.index].size.value_or(0);
    }
  }
  std::uint64_t added_bytes = 0;
  for (const Addition& addition : additions) {
    added_bytes += addition.upstream->size.value_or(0);
  }
  MIRRORD_TRY(context.job.check_plan(added_bytes));  // quotas, before this project fetches
  context.files_total += additions.size();
  context.job.set_totals(context.files_total, context.bytes_total);
  fetch_all(additions, context.parallel_files, context);
  if (context.job.cancelled()) {
    return make_error(ErrorCode::kCancelled, "the pull was interrupted; pull again to resume");
  }
  for (const Addition& addition : additions) {
    if (addition.result->ok()) {
      add_fetched(addition, addition.result->value(), state, rows);
    } else {
      sync.failures.push_back(addition.result->error());
    }
  }
  state.sort_files();
  if (state.files.empty()) {
    if (!sync.failures.empty()) {
      return sync;  // nothing to publish; the failures say why
    }
    return make_error(ErrorCode::kPolicy,
                      "no file of " + project + " (" + std::to_string(page.files.size()) +
                          " listed upstream) is selected by the policy's versions, latest, "
                          "prereleases, wheel_tags, sdists and max_file_size");
  }
  std::vector<SnapshotFile> files;
  for (auto& [path, row] : rows) {
    files.push_back(std::move(row));
  }
  MIRRORD_TRY_ASSIGN(sync.commit, publish_project(context.catalog, repo, state, files));
  for (const SelectedFile& chosen : selected) {
    const PublishedFile* file = state.find(page.files[chosen.index].filename);
    if (file != nullptr && file->core_metadata) {
      sync.selected_metadata.push_back(*file->core_metadata);
    }
  }
  return sync;
}

}  // namespace mirrord::pypi
