// PeerClient: reads another mirrord's public federation endpoints (daemon/peers/peer_routes.hpp)
// through the daemon's Fetcher, so the Fetcher's bounds (connect timeout, minimum rate, total
// deadline, body cap) apply to every request. Transient failures (network errors, 5xx, 429) are
// retried with backoff; a blob download that breaks resumes with Range where it stopped.
//
// Nothing a peer answers is trusted here: records are checked against the pinned key by
// replica::verify_record() and blob bytes by the BlobStore's ingest.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "daemon/config.hpp"
#include "daemon/fetch/fetcher.hpp"
#include "daemon/replica/blob_source.hpp"
#include "daemon/replica/snapshot_record.hpp"
#include "storage/catalog.hpp"

namespace mirrord::peers {

struct PeerClientOptions {
  int attempts = 4;  // tries of one request, the first included
  std::chrono::milliseconds backoff{500};
  std::chrono::milliseconds max_backoff{10000};
  std::uint64_t max_json_bytes = 256ull << 20;  // cap on a records or repos answer
  // Waits between tries; injectable so that tests do not sleep.
  std::function<void(std::chrono::milliseconds, const std::atomic<bool>*)> sleep;
};

class PeerClient : public replica::BlobSource {
 public:
  PeerClient(PeerConfig peer, Fetcher& fetcher, const std::atomic<bool>* cancel,
             PeerClientOptions options = {});

  const PeerConfig& peer() const { return peer_; }
  // Every repo with a published snapshot on the peer.
  Result<std::vector<RepoKey>> list_repos();
  // The signed records of `repo`'s published snapshots; kNotFound when the peer has none.
  Result<std::vector<replica::SignedRecord>> records(const RepoKey& repo);
  // The blob's bytes from `offset` on (BlobSource), resumed after a broken transfer.
  Status fetch(const replica::RecordBlob& blob, std::uint64_t offset,
               const replica::BlobSink& sink) override;

 private:
  Result<std::string> get_json(const std::string& path);
  // Runs `attempt` until it succeeds, fails for good, or the tries are used up.
  Status with_retries(const std::string& what, const std::function<Status()>& attempt);

  PeerConfig peer_;
  Fetcher& fetcher_;
  const std::atomic<bool>* cancel_;
  PeerClientOptions options_;
};

// Parses the answer of GET /api/mirror/records/{KIND}/{NAME}; kInvalidInput when malformed.
Result<std::vector<replica::SignedRecord>> parse_records_answer(std::string_view body);
// Encodes `records` as that answer.
std::string records_answer(const RepoKey& repo, const std::vector<replica::SignedRecord>& records);

}  // namespace mirrord::peers
