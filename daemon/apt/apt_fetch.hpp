// The apt upstream side's requests: small signed documents (InRelease, Release, Release.gpg)
// read into memory with a cap, and indexes and packages streamed into the BlobStore as exactly
// the content trusted metadata promised (size and sha256 checked at commit; a kept .part resumed
// with Range). Retryable failures (connection errors, timeouts, 408, 429, 5xx) are retried with
// jittered backoff. 404 and 410 are kNotFound, so that callers can tell "not offered" apart.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "daemon/fetch/fetcher.hpp"
#include "daemon/upstreams/upstream_health.hpp"
#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"

namespace mirrord::apt {

struct RetrySettings {
  int attempts = 3;
  std::chrono::milliseconds base_delay{1000};
  std::chrono::milliseconds max_delay{8000};
};

struct Upstream {
  Fetcher& fetcher;
  const std::atomic<bool>* cancel = nullptr;
  RetrySettings retry;
  UpstreamHealth* health = nullptr;  // told of mirrors whose bytes did not match; may be null

  bool cancelled() const { return cancel != nullptr && cancel->load(); }
};

using ProgressFn = std::function<void(std::uint64_t bytes)>;

// GETs `url` into memory; a body over `max_bytes` fails with kSizeMismatch.
Result<std::string> fetch_document(const Upstream& upstream, const std::string& url,
                                   std::uint64_t max_bytes);

// The verified blob of `expected`: reused when the catalog and the store already hold it, else
// downloaded from `url` and recorded in the catalog.
Result<BlobInfo> obtain_blob(const Upstream& upstream, BlobStore& store, Catalog& catalog,
                             const std::string& url, const ExpectedContent& expected,
                             const ProgressFn& progress);

}  // namespace mirrord::apt
