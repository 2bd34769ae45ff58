#include "daemon/hf/hf_serve_catalog.hpp"

#include <algorithm>
#include <cctype>

#include "daemon/hf/hf_serve_cache.hpp"
#include "daemon/hf/hf_serve_entries.hpp"
#include "daemon/hf/hf_serve_path.hpp"

namespace mirrord::hf {
namespace {

constexpr const char* kDefaultBranch = "main";

// Budgets of the caches (see GenerationCache): counts of answers, of files, or bytes. Together
// at most about 100 MiB when every one is full of large repos; far less in practice.
constexpr std::size_t kMaxRepoAnswers = 100000;
constexpr std::size_t kMaxFileAnswers = 50000;
constexpr std::size_t kMaxListedFiles = 100000;
constexpr std::size_t kMaxSnapshotBytes = 16 << 20;
constexpr std::size_t kMaxBodyBytes = 16 << 20;
// Open descriptors of hot blobs; well below the usual descriptor limits.
constexpr std::size_t kMaxOpenBlobs = 1024;
// Per snapshot and ref beyond their strings: ids, times, map nodes.
constexpr std::size_t kRecordOverhead = 256;

// Decoded names never hold a NUL (percent_decode refuses it), so it separates key parts.
std::string key_of(const RepoKey& repo) {
  return repo.kind + '\0' + repo.name;
}
std::string key_of(const RepoKey& repo, const std::string& more) {
  return key_of(repo) + '\0' + more;
}
std::string key_of(std::int64_t snapshot_id, const std::string& path = {}) {
  return std::to_string(snapshot_id) + '\0' + path;
}

template <class T>
std::size_t one(const T&) {
  return 1;
}

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

struct HfCatalogView::Caches {
  explicit Caches(const std::shared_ptr<const CatalogGeneration>& generation)
      : repos(generation, kMaxRepoAnswers),
        refs(generation, kMaxRepoAnswers),
        ref_commits(generation, kMaxRepoAnswers),
        snapshots(generation, kMaxSnapshotBytes),
        files(generation, kMaxFileAnswers),
        lists(generation, kMaxListedFiles),
        trees(generation, kMaxListedFiles),
        bodies(generation, kMaxBodyBytes),
        blobs(generation, kMaxOpenBlobs) {}

  GenerationCache<bool> repos;
  GenerationCache<RefList> refs;
  GenerationCache<std::optional<std::string>> ref_commits;
  GenerationCache<SnapshotRef> snapshots;  // null: no such snapshot
  GenerationCache<std::optional<SnapshotFile>> files;
  GenerationCache<FileList> lists;
  GenerationCache<std::shared_ptr<const RepoTree>> trees;
  GenerationCache<std::shared_ptr<const std::string>> bodies;
  GenerationCache<ServedBlob> blobs;
};

HfCatalogView::HfCatalogView(std::shared_ptr<Catalog> catalog,
                             std::shared_ptr<const CatalogGeneration> generation)
    : catalog_(std::move(catalog)), caches_(std::make_shared<Caches>(generation)) {}

bool is_commit_id(const std::string& text) {
  return text.size() == 40 && std::all_of(text.begin(), text.end(),
                                          [](unsigned char c) { return std::isxdigit(c) != 0; });
}

HfResult<bool> HfCatalogView::repo_exists(const RepoKey& repo) const {
  return cached(
      caches_->repos, key_of(repo),
      [&]() -> HfResult<bool> {
        auto exists = catalog_->repo_exists(repo);
        if (!exists) {
          return unavailable(exists.error());
        }
        return *exists;
      },
      one<bool>);
}

HfResult<ResolvedRevision> HfCatalogView::snapshot_at(const RepoKey& repo,
                                                      const std::string& commit, bool pinned,
                                                      const std::string& asked) const {
  auto snapshot = cached(
      caches_->snapshots, key_of(repo, commit),
      [&]() -> HfResult<SnapshotRef> {
        auto found = catalog_->find_snapshot(repo, commit);
        if (!found) {
          return unavailable(found.error());
        }
        if (!found->has_value()) {
          return SnapshotRef();
        }
        return std::make_shared<const SnapshotInfo>(std::move(**found));
      },
      [](const SnapshotRef& found) {
        return kRecordOverhead + (found ? found->info_json.size() : 0);
      });
  if (!snapshot.ok()) {
    return snapshot.error();
  }
  if (!snapshot.value()) {
    return revision_not_found(asked);
  }
  return ResolvedRevision{std::move(snapshot.value()), pinned};
}

HfResult<ResolvedRevision> HfCatalogView::default_revision(const RepoKey& repo) const {
  auto refs = list_refs(repo);
  if (!refs.ok()) {
    return refs.error();
  }
  const RefInfo* ref = find_ref(*refs.value(), kDefaultBranch);
  if (ref == nullptr && refs.value()->size() == 1) {
    ref = &refs.value()->front();
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
  auto commit = resolve_ref(repo, revision);
  if (!commit.ok()) {
    return commit.error();
  }
  if (!commit.value().has_value()) {
    return revision_not_found(revision);
  }
  return snapshot_at(repo, *commit.value(), false, revision);
}

HfResult<std::optional<std::string>> HfCatalogView::resolve_ref(const RepoKey& repo,
                                                                const std::string& ref) const {
  return cached(
      caches_->ref_commits, key_of(repo, ref),
      [&]() -> HfResult<std::optional<std::string>> {
        auto commit = catalog_->resolve_ref(repo, ref);
        if (!commit) {
          return unavailable(commit.error());
        }
        return std::move(*commit);
      },
      one<std::optional<std::string>>);
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
    if (const RefInfo* ref = find_ref(*refs.value(), join_segments(segments, 0, count))) {
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
  return cached(
      caches_->files, key_of(snapshot_id, path),
      [&]() -> HfResult<std::optional<SnapshotFile>> {
        auto file = catalog_->find_file(snapshot_id, path);
        if (!file) {
          return unavailable(file.error());
        }
        return std::move(*file);
      },
      one<std::optional<SnapshotFile>>);
}

HfResult<FileList> HfCatalogView::list_files(std::int64_t snapshot_id) const {
  return cached(
      caches_->lists, key_of(snapshot_id),
      [&]() -> HfResult<FileList> {
        auto files = catalog_->list_files(snapshot_id);
        if (!files) {
          return unavailable(files.error());
        }
        return std::make_shared<const std::vector<SnapshotFile>>(std::move(*files));
      },
      [](const FileList& files) { return files->size() + 1; });
}

HfResult<std::shared_ptr<const RepoTree>> HfCatalogView::repo_tree(std::int64_t snapshot_id) const {
  return cached(
      caches_->trees, key_of(snapshot_id),
      [&]() -> HfResult<std::shared_ptr<const RepoTree>> {
        auto files = list_files(snapshot_id);
        if (!files.ok()) {
          return files.error();
        }
        return std::make_shared<const RepoTree>(*files.value());
      },
      // Files plus the synthesized directories: about twice the weight of the bare list.
      [](const std::shared_ptr<const RepoTree>& tree) { return 2 * tree->file_count() + 1; });
}

HfResult<RefList> HfCatalogView::list_refs(const RepoKey& repo) const {
  return cached(
      caches_->refs, key_of(repo),
      [&]() -> HfResult<RefList> {
        auto refs = catalog_->list_refs(repo);
        if (!refs) {
          return unavailable(refs.error());
        }
        return std::make_shared<const std::vector<RefInfo>>(std::move(*refs));
      },
      [](const RefList& refs) { return refs->size() + 1; });
}

HfResult<ServedBlob> HfCatalogView::open_blob(const BlobStore& store, const Sha256& digest) const {
  return cached(
      caches_->blobs, digest.hex(),
      [&]() -> HfResult<ServedBlob> {
        auto blob = store.open(digest);
        if (!blob) {
          return unavailable(blob.error());
        }
        return ServedBlob{std::make_shared<UniqueFd>(std::move(blob->fd)), blob->size};
      },
      one<ServedBlob>);
}

HfResult<std::shared_ptr<const std::string>> HfCatalogView::rendered(
    const std::string& key, const std::function<HfResult<std::string>()>& render) const {
  return cached(
      caches_->bodies, key,
      [&]() -> HfResult<std::shared_ptr<const std::string>> {
        auto body = render();
        if (!body.ok()) {
          return body.error();
        }
        return std::make_shared<const std::string>(std::move(body.value()));
      },
      [](const std::shared_ptr<const std::string>& body) { return body->size(); });
}

}  // namespace mirrord::hf
