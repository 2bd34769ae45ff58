// HfSource: the upstream side of Hugging Face. Turns a target (repo, revision) into a verified
// Manifest using the upstream API, and fetches each file into the BlobStore.
//
// plan(): GET /api/{type}s/{repo}/revision/{rev} -> commit sha (and the allow-listed metadata
// kept for our repo-info answers), then GET /api/{type}s/{repo}/tree/{sha}?recursive=true
// following absolute Link rel="next". Each file's expectation: LFS files -> size + sha256
// (lfs.oid), cross-checked by rebuilding the pointer and comparing its git id with `oid`;
// regular files -> size + git blob sha1 (`oid`). Paths that are absolute, contain "..", empty
// segments, backslashes or NUL make the whole plan fail (kInvalidInput).
//
// names_tag(): GET /api/{type}s/{repo}/refs, to tell a tag (which should never move) from a branch.
//
// fetch_file(): GET /{prefix}{repo}/resolve/{sha}/{quoted path}, redirects followed, streamed into
// BlobStore::begin_ingest with the expected content; resumes a kept .part with Range; retries
// retryable failures with backoff and jitter (honouring Retry-After), and tries the next
// configured endpoint when one keeps failing. A digest mismatch fails the file, never warns.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "daemon/fetch/fetcher.hpp"
#include "daemon/upstreams/upstream_health.hpp"
#include "policies/policy.hpp"
#include "storage/blob_store.hpp"
#include "storage/digest.hpp"
#include "storage/result.hpp"

namespace mirrord {

struct ManifestEntry {
  std::string path;
  std::uint64_t size = 0;
  bool lfs = false;
  GitOid tree_oid;               // git id from the tree: of the content, or of the LFS pointer
  std::optional<Sha256> sha256;  // LFS files only
};

struct HfManifest {
  std::string repo;                  // canonical "ORG/NAME" (after following a rename)
  std::string repo_type;             // "model" | "dataset"
  std::string revision;              // as requested
  std::string commit;                // 40-hex
  std::vector<ManifestEntry> files;  // every file at the commit (not yet filtered by policy)
  std::string info_json;             // allow-listed upstream repo metadata (see hf_json.hpp)
};

// Progress callback: bytes newly received for a file (may be called from the fetching thread).
using ProgressFn = std::function<void(std::uint64_t new_bytes)>;

struct RetryPolicy {
  int max_attempts = 5;  // per endpoint
  std::chrono::milliseconds base_delay{500};
  std::chrono::milliseconds max_delay{30000};
};

// Waits out a retry delay. The default sleeps, waking early on cancellation; tests substitute
// one that records the delays instead of sleeping.
using RetrySleepFn =
    std::function<void(std::chrono::milliseconds delay, const std::atomic<bool>* cancel)>;

class HfSource {
 public:
  // `endpoints`: base URLs tried in order, e.g. {"https://huggingface.co"}.
  HfSource(std::vector<std::string> endpoints, std::shared_ptr<Fetcher> fetcher,
           RetryPolicy retry = {});

  Result<HfManifest> plan(const HfTarget& target, const std::atomic<bool>* cancel) const;
  // Whether target.revision names a tag upstream (GET /api/{type}s/{repo}/refs): a tag should
  // never move, so a pull records a moved one and does not follow it.
  Result<bool> names_tag(const HfTarget& target, const std::atomic<bool>* cancel) const;
  Result<BlobInfo> fetch_file(const HfManifest& manifest, const ManifestEntry& entry,
                              BlobStore& store, const ProgressFn& progress,
                              const std::atomic<bool>* cancel) const;

  // Replaces how retry delays are waited out (see RetrySleepFn).
  void set_retry_sleep(RetrySleepFn sleep) { sleep_ = std::move(sleep); }
  // ModelScope base URLs that may serve the bytes of model files (protocols/hf.md §13.2), tried
  // after the endpoints; a file's bytes are kept only when they match the manifest.
  void set_modelscope_endpoints(std::vector<std::string> endpoints);
  // Orders the endpoints and byte sources by what the daemon has seen of them (may be null).
  void set_upstream_health(std::shared_ptr<UpstreamHealth> health) { health_ = std::move(health); }

 private:
  std::vector<std::string> endpoints_;
  std::vector<std::string> modelscope_endpoints_;
  std::shared_ptr<UpstreamHealth> health_;
  std::shared_ptr<Fetcher> fetcher_;
  RetryPolicy retry_;
  RetrySleepFn sleep_;
};

}  // namespace mirrord
