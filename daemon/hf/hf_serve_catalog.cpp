#include "daemon/hf/hf_serve_catalog.hpp"

#include <algorithm>
#include <cctype>

#include "daemon/hf/hf_serve_path.hpp"

namespace mirrord::hf {
namespace {

constexpr const char* kDefaultBranch = "main";

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

const RefInfo* find_ref(const std::vector<RefInfo>& refs, const std::string& name) {
  for (const RefInfo& ref : refs) {
    if (ref.name == name) {
      return &ref;
    }
  }
  return nullptr;
}

}  // namespace

bool is_commit_id(const std::string& text) {
  return text.size() == 40 && std::all_of(text.begin(), text.end(),
                                          [](unsigned char c) { return std::isxdigit(c) != 0; });
}

HfResult<bool> HfCatalogView::repo_exists(const RepoKey& repo) const {
  auto exists = catalog_->repo_exists(repo);
  if (!exists) {
    return unavailable(exists.error());
  }
  return *exists;
}

HfResult<ResolvedRevision> HfCatalogView::snapshot_at(const RepoKey& repo,
                                                      const std::string& commit, bool pinned,
                                                      const std::string& asked) const {
  auto snapshot = catalog_->find_snapshot(repo, commit);
  if (!snapshot) {
    return unavailable(snapshot.error());
  }
  if (!snapshot->has_value()) {
    return revision_not_found(asked);
  }
  return ResolvedRevision{std::move(**snapshot), pinned};
}

HfResult<ResolvedRevision> HfCatalogView::default_revision(const RepoKey& repo) const {
  auto refs = list_refs(repo);
  if (!refs.ok()) {
    return refs.error();
  }
  const RefInfo* ref = find_ref(refs.value(), kDefaultBranch);
  if (ref == nullptr && refs.value().size() == 1) {
    ref = &refs.value().front();
  }
  if (ref == nullptr) {
    return revision_not_found("HEAD");
  }
  return snapshot_at(repo, ref->commit, false, ref->name);
}

HfResult<ResolvedRevision> HfCatalogView::resolve(const RepoKey& repo,
                                                  const std::string& revision) const {
  if (revision.empty() || revision == "HEAD") {
    return default_revision(repo);
  }
  if (is_commit_id(revision)) {
    auto pinned = snapshot_at(repo, lower(revision), true, revision);
    if (pinned.ok() || pinned.error().kind != HfErrorKind::kRevisionNotFound) {
      return pinned;
    }
    // Not a commit we hold: it may still be a (strangely named) branch.
  }
  auto commit = catalog_->resolve_ref(repo, revision);
  if (!commit) {
    return unavailable(commit.error());
  }
  if (!commit->has_value()) {
    return revision_not_found(revision);
  }
  return snapshot_at(repo, **commit, false, revision);
}

HfResult<RevisionPrefix> HfCatalogView::resolve_prefix(
    const RepoKey& repo, const std::vector<std::string>& segments) const {
  const std::string first = segments.empty() ? std::string() : segments.front();
  if (first.empty() || first == "HEAD" || is_commit_id(first)) {
    auto resolved = resolve(repo, first);
    if (!resolved.ok()) {
      return resolved.error();
    }
    return RevisionPrefix{std::move(resolved.value()), segments.empty() ? 0u : 1u};
  }
  auto refs = list_refs(repo);
  if (!refs.ok()) {
    return refs.error();
  }
  for (std::size_t count = segments.size(); count > 0; --count) {
    if (const RefInfo* ref = find_ref(refs.value(), join_segments(segments, 0, count))) {
      auto resolved = snapshot_at(repo, ref->commit, false, ref->name);
      if (!resolved.ok()) {
        return resolved.error();
      }
      return RevisionPrefix{std::move(resolved.value()), count};
    }
  }
  return revision_not_found(first);
}

HfResult<std::optional<SnapshotFile>> HfCatalogView::find_file(std::int64_t snapshot_id,
                                                               const std::string& path) const {
  auto file = catalog_->find_file(snapshot_id, path);
  if (!file) {
    return unavailable(file.error());
  }
  return std::move(*file);
}

HfResult<std::vector<SnapshotFile>> HfCatalogView::list_files(std::int64_t snapshot_id) const {
  auto files = catalog_->list_files(snapshot_id);
  if (!files) {
    return unavailable(files.error());
  }
  return std::move(*files);
}

HfResult<std::vector<RefInfo>> HfCatalogView::list_refs(const RepoKey& repo) const {
  auto refs = catalog_->list_refs(repo);
  if (!refs) {
    return unavailable(refs.error());
  }
  return std::move(*refs);
}

}  // namespace mirrord::hf
