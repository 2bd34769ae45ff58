// Pulls from a peer mirror (README "Federation"): `mirrorctl pull --from PEER TARGET`, or any
// pull or scheduled sync of a policy with `upstream = "peer:PEER"`.
//
// The repos of the target on the peer (peer_repos_of) have their signed snapshot records
// fetched and every record checked against the key pinned in [peers.PEER] before any blob is
// fetched; then replica::apply_records() fetches the blobs from the peer (each verified by the
// store's ingest) and publishes the snapshots only once every blob of every record is in. A
// record signed by another key, or a blob whose bytes do not match, fails the pull and publishes
// nothing. The original upstream is never contacted.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

#include "daemon/config.hpp"
#include "daemon/fetch/fetcher.hpp"
#include "daemon/jobs/job_manager.hpp"
#include "daemon/peers/peer_client.hpp"
#include "policies/policy.hpp"
#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"

namespace mirrord::peers {

struct PeerPullDeps {
  std::vector<PeerConfig> peers;     // [peers.NAME] of the config
  std::shared_ptr<Fetcher> fetcher;  // without credentials: a peer never sees the hub token
  std::shared_ptr<BlobStore> store;
  std::shared_ptr<Catalog> catalog;
  // where git mirrors' repositories are built; its mirror key re-signs apt snapshots in resign mode
  std::filesystem::path storage_root;
};

// The repos that hold `policy`'s target on the peer: a Hugging Face target's repo; the repo of
// the same policy name for apt; every project repo under the policy's root for PyPI (an ad-hoc
// pypi:NAME: only its projects); the git mirror of the policy's mirror name. kNotFound when the
// peer has none of them.
Result<std::vector<RepoKey>> peer_repos_of(const Policy& policy, PeerClient& client);

Status run_peer_pull(const Policy& policy, const PeerConfig& peer, const PeerPullDeps& deps,
                     JobContext& job);

// Wraps the ecosystems' pull factory: policies with an upstream peer are pulled from it, the
// others as before.
std::function<JobWork(const Policy&)> with_peer_pulls(
    std::function<JobWork(const Policy&)> ecosystems, PeerPullDeps deps);

}  // namespace mirrord::peers
