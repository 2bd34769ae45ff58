#include "daemon/hf/hf_pull.hpp"

#include "daemon/hf/hf_admit.hpp"
#include "daemon/upstream_changes.hpp"

#include <algorithm>
#include <mutex>
#include <thread>
#include <vector>

namespace mirrord {
namespace {

bool is_commit_id(const std::string& revision) {
  return revision.size() == 40 && std::all_of(revision.begin(), revision.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// A blob the catalog already holds with exactly the expected content, if any.
Result<std::optional<BlobInfo>> find_reusable(const ManifestEntry& entry, Catalog& catalog,
                                              const BlobStore& store) {
  std::optional<BlobInfo> blob;
  if (entry.sha256) {
    MIRRORD_TRY_ASSIGN(blob, catalog.find_blob(*entry.sha256));
  } else {
    MIRRORD_TRY_ASSIGN(blob, catalog.find_blob_by_git_oid(entry.tree_oid));
  }
  if (blob && blob->size == entry.size && store.contains(blob->sha256)) {
    // Recorded again so that GC's grace period counts from this use, not the first ingest.
    MIRRORD_TRY(catalog.record_blob(*blob));
    return blob;
  }
  return std::optional<BlobInfo>();
}

std::string describe_failure(const ManifestEntry& entry, const Error& error) {
  std::string hint;
  switch (error.code) {
    case ErrorCode::kDigestMismatch:
    case ErrorCode::kSizeMismatch:
      hint =
          "the upstream served bytes that do not match its own metadata; nothing was "
          "published. Retry later or configure another [upstream.hf] endpoint";
      break;
    case ErrorCode::kNoSpace:
      hint = "free space in the storage root, then pull again (finished files are kept)";
      break;
    case ErrorCode::kUpstreamRetryable:
      hint = "the upstream kept failing; pull again later: downloaded bytes are kept and resumed";
      break;
    default:
      hint = "nothing was published";
  }
  // The source's messages usually name the file already; say it once.
  const bool named = error.message.rfind(entry.path + ":", 0) == 0;
  return (named ? "" : entry.path + ": ") + error.message + " (" + hint + ")";
}

class FileFetchPool {
 public:
  FileFetchPool(const HfManifest& manifest, const std::vector<ManifestEntry>& entries,
                const HfPullDeps& deps, JobContext& context, HfAdmitter& admitter)
      : manifest_(manifest),
        entries_(entries),
        deps_(deps),
        context_(context),
        admitter_(admitter),
        results_(entries.size()) {}

  // Fetches every entry; returns the first failure, if any, after all workers stopped.
  Status run() {
    const int workers = std::max(1, std::min<int>(deps_.parallel_files, entries_.size()));
    std::vector<std::thread> threads;
    for (int i = 0; i < workers; ++i) {
      threads.emplace_back([this] { work(); });
    }
    for (auto& thread : threads) {
      thread.join();
    }
    std::lock_guard lock(mutex_);
    if (failure_) {
      return *failure_;
    }
    return {};
  }

  const std::vector<BlobInfo>& results() const { return results_; }

 private:
  void work() {
    for (;;) {
      const std::size_t index = next_++;
      if (index >= entries_.size() || failed_ || context_.cancelled()) {
        return;
      }
      auto blob = fetch_one(entries_[index]);
      if (!blob) {
        record_failure(entries_[index], blob.error());
        return;
      }
      // Inspected here, on the fetching thread, so large files are checked in parallel.
      if (Status inspected = admitter_.inspect(entries_[index], *blob); !inspected) {
        record_failure(entries_[index], inspected.error());
        return;
      }
      results_[index] = *blob;
      context_.file_done();
    }
  }

  Result<BlobInfo> fetch_one(const ManifestEntry& entry) {
    for (;;) {
      MIRRORD_TRY_ASSIGN(auto reusable, find_reusable(entry, deps_.catalog, deps_.store));
      if (reusable) {
        context_.add_bytes(entry.size);
        return *reusable;
      }
      std::uint64_t counted = 0;
      // Bytes fetched again after a failed attempt are not progress: count at most the size.
      auto progress = [&](std::uint64_t bytes) {
        const std::uint64_t room = entry.size - std::min(counted, entry.size);
        counted += bytes;
        context_.add_bytes(std::min(bytes, room));
      };
      auto blob =
          deps_.source.fetch_file(manifest_, entry, deps_.store, progress, context_.cancel_flag());
      if (!blob && blob.error().code == ErrorCode::kConflict && !context_.cancelled()) {
        // Another pull is ingesting the same bytes right now: wait for it, then reuse its blob.
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        continue;
      }
      if (!blob) {
        return blob.error();
      }
      MIRRORD_TRY(deps_.catalog.record_blob(*blob));
      // A resumed .part was not reported as progress; settle on the file's real size.
      if (counted < entry.size) {
        context_.add_bytes(entry.size - counted);
      }
      return blob;
    }
  }

  void record_failure(const ManifestEntry& entry, const Error& error) {
    std::lock_guard lock(mutex_);
    failed_ = true;
    if (!failure_) {
      failure_ = Error{error.code, describe_failure(entry, error)};
    }
  }

  const HfManifest& manifest_;
  const std::vector<ManifestEntry>& entries_;
  const HfPullDeps& deps_;
  JobContext& context_;
  HfAdmitter& admitter_;
  std::vector<BlobInfo> results_;
  std::atomic<std::size_t> next_{0};
  std::atomic<bool> failed_{false};
  std::mutex mutex_;
  std::optional<Error> failure_;
};

std::vector<SnapshotFile> snapshot_files(const std::vector<ManifestEntry>& entries,
                                         const std::vector<BlobInfo>& blobs) {
  std::vector<SnapshotFile> files;
  files.reserve(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const ManifestEntry& entry = entries[i];
    // The tree oid is what clients expect as blobId: for LFS files it names the pointer, for
    // regular files it is the content's git blob id, which the ingest verified.
    files.push_back(
        SnapshotFile{entry.path, blobs[i].sha256, entry.tree_oid, entry.lfs, entry.size});
  }
  return files;
}

// The files of the plan to fetch: those the include/exclude patterns select, and model.sig, which
// signature checks need whatever the patterns say; files over max_file_size are withheld.
std::vector<ManifestEntry> files_to_fetch(const HfTarget& target, const HfManifest& manifest,
                                          HfAdmitter& admitter) {
  std::vector<ManifestEntry> selected;
  for (const auto& entry : manifest.files) {
    const bool signature =
        entry.path == kModelSignatureFile && target.admission.signature != SignatureRule::kIgnore;
    if ((target.selects(entry.path) || signature) && admitter.admits_size(entry)) {
      selected.push_back(entry);
    }
  }
  return selected;
}

// What the plan adds to the store: the selected files whose content it does not hold yet.
Result<std::uint64_t> bytes_not_stored(const std::vector<ManifestEntry>& selected,
                                       const HfPullDeps& deps) {
  std::uint64_t bytes = 0;
  for (const ManifestEntry& entry : selected) {
    MIRRORD_TRY_ASSIGN(const auto reusable, find_reusable(entry, deps.catalog, deps.store));
    bytes += reusable ? 0 : entry.size;
  }
  return bytes;
}

Result<std::optional<SigningKey>> manifest_key(const HfPullDeps& deps) {
  if (deps.manifest_key_file.empty()) {
    return std::optional<SigningKey>();
  }
  auto key = SigningKey::load_or_create(deps.manifest_key_file);
  if (!key) {
    return make_error(key.error().code, "the manifest-signing key: " + key.error().message);
  }
  return std::optional<SigningKey>(std::move(*key));
}

// When upstream moved a published ref that it lists as a tag, the move is recorded and the ref
// stays: a tag names one commit for good. A branch moves freely (unless pinned, which the
// catalog handles). When the refs cannot be read, the ref is taken for a branch.
Result<bool> records_moved_tag(const HfTarget& target, const NewSnapshot& snapshot,
                               const HfPullDeps& deps, JobContext& context) {
  MIRRORD_TRY_ASSIGN(const auto published,
                     deps.catalog.resolve_ref(snapshot.repo, target.revision));
  if (!published || *published == snapshot.commit) {
    return false;
  }
  const auto tag = deps.source.names_tag(target, context.cancel_flag());
  if (!tag || !*tag) {
    return false;
  }
  record_upstream_change(deps.catalog, snapshot.repo, kChangeTagMoved,
                         "tag " + target.revision + ": upstream moved it from " + *published +
                             " to " + snapshot.commit + "; the mirror keeps serving " + *published +
                             " and serves " + snapshot.commit + " by its commit id only");
  return true;
}

}  // namespace

Status run_hf_pull(const HfTarget& target, const HfPullDeps& deps, JobContext& context) {
  auto planned = deps.source.plan(target, context.cancel_flag());
  if (!planned) {
    return note_upstream_gone(deps.catalog, RepoKey{target.repo_type, target.repo},
                              planned.error());
  }
  HfManifest manifest = std::move(planned).value();
  context.set_commit(manifest.commit);
  MIRRORD_TRY_ASSIGN(const std::optional<SigningKey> key, manifest_key(deps));
  HfAdmitter admitter(target, manifest, deps.store, deps.catalog);
  const std::vector<ManifestEntry> selected = files_to_fetch(target, manifest, admitter);
  std::uint64_t bytes = 0;
  for (const auto& entry : selected) {
    bytes += entry.size;
  }
  if (selected.empty()) {
    return make_error(ErrorCode::kPolicy,
                      "no file of " + manifest.repo + "@" + manifest.commit +
                          " is selected by the policy's include/exclude patterns and size limits");
  }
  MIRRORD_TRY(admitter.check_total(bytes));
  MIRRORD_TRY_ASSIGN(const std::uint64_t new_bytes, bytes_not_stored(selected, deps));
  MIRRORD_TRY(context.check_plan(new_bytes));
  context.set_totals(selected.size(), bytes);
  FileFetchPool pool(manifest, selected, deps, context, admitter);
  MIRRORD_TRY(pool.run());
  if (context.cancelled()) {
    return make_error(ErrorCode::kCancelled, "the pull was interrupted; pull again to resume");
  }
  MIRRORD_TRY_ASSIGN(
      NewSnapshot snapshot,
      admitter.conclude(snapshot_files(selected, pool.results()), key ? &*key : nullptr));
  if (!is_commit_id(target.revision)) {
    MIRRORD_TRY_ASSIGN(const bool moved_tag, records_moved_tag(target, snapshot, deps, context));
    if (!moved_tag) {
      snapshot.refs.push_back(target.revision);
    }
  }
  MIRRORD_TRY(deps.catalog.publish_snapshot(snapshot));
  return {};
}

}  // namespace mirrord
