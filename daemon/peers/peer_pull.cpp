#include "daemon/peers/peer_pull.hpp"

#include <set>

#include "daemon/apt/apt_state.hpp"
#include "daemon/git/git_catalog.hpp"
#include "daemon/pypi/pypi_catalog.hpp"
#include "daemon/replica/apply_records.hpp"
#include "daemon/replica/apt_resign.hpp"
#include "policies/pypi_names.hpp"

namespace mirrord::peers {
namespace {

// The verified records of every repo, or the first failure: nothing is fetched or published
// unless every record carries the pinned key's signature.
Result<std::vector<replica::VerifiedRecord>> verified_records(const std::vector<RepoKey>& repos,
                                                              PeerClient& client) {
  const std::vector<std::string> pinned{client.peer().public_pem};
  std::vector<replica::VerifiedRecord> verified;
  for (const RepoKey& repo : repos) {
    MIRRORD_TRY_ASSIGN(const auto records, client.records(repo));
    for (const replica::SignedRecord& record : records) {
      auto checked = replica::verify_record(record, pinned);
      if (!checked) {
        return make_error(checked.error().code,
                          "peer " + client.peer().name + ": a record of " + repo.kind + " " +
                              repo.name + " is refused (" + client.peer().key.string() +
                              " is the pinned key): " + checked.error().message);
      }
      if (!(checked->snapshot.repo == repo)) {
        return make_error(ErrorCode::kInvalidInput,
                          "peer " + client.peer().name + " answered a record of " +
                              checked->snapshot.repo.name + " when asked for " + repo.name);
      }
      verified.push_back(std::move(*checked));
    }
  }
  return verified;
}

// Sets the job's totals to what is missing here, and asks the quota check about those bytes.
Status plan(const std::vector<replica::VerifiedRecord>& records, Catalog& catalog,
            JobContext& job) {
  std::uint64_t files = 0;
  std::uint64_t bytes = 0;
  for (const replica::RecordBlob& blob : replica::distinct_blobs(records)) {
    MIRRORD_TRY_ASSIGN(const auto recorded, catalog.find_blob(blob.sha256));
    if (!recorded) {
      ++files;
      bytes += blob.size;
    }
  }
  job.set_totals(files, bytes);
  return job.check_plan(bytes);
}

// The commit a job reports: the snapshot the records' first repo's first ref names last.
void report_commit(const std::vector<replica::VerifiedRecord>& records, JobContext& job) {
  for (auto it = records.rbegin(); it != records.rend(); ++it) {
    if (it->snapshot.repo == records.front().snapshot.repo && !it->snapshot.refs.empty()) {
      job.set_commit(it->snapshot.commit);
      return;
    }
  }
}

}  // namespace

Result<std::vector<RepoKey>> peer_repos_of(const Policy& policy, PeerClient& client) {
  if (policy.source == "hf") {
    return std::vector<RepoKey>{RepoKey{policy.hf.repo_type, policy.hf.repo}};
  }
  if (policy.source == "apt") {
    return std::vector<RepoKey>{apt::apt_repo_key(policy.name)};
  }
  if (policy.source == "git") {
    return std::vector<RepoKey>{RepoKey{git::kGitRepoKind, policy.git.mirror_name(policy.name)}};
  }
  if (policy.source != "pypi") {
    return make_error(ErrorCode::kInvalidInput, policy.name + ": a " + policy.source +
                                                    " mirror cannot be pulled from a peer");
  }
  const std::string prefix = policy.pypi.root_name(policy.name) + "/";
  std::set<std::string> asked;  // an ad-hoc pypi:NAME shares its root with other targets
  for (const std::string& project : policy.pypi.projects) {
    asked.insert(prefix + normalize_project_name(project));
  }
  MIRRORD_TRY_ASSIGN(const auto repos, client.list_repos());
  std::vector<RepoKey> projects;
  for (const RepoKey& repo : repos) {
    if (repo.kind == pypi::kRepoKind && repo.name.starts_with(prefix) &&
        (!policy.file.empty() || asked.contains(repo.name))) {
      projects.push_back(repo);
    }
  }
  if (projects.empty()) {
    return make_error(ErrorCode::kNotFound,
                      "peer " + client.peer().name + " mirrors no PyPI project under " + prefix);
  }
  return projects;
}

Status run_peer_pull(const Policy& policy, const PeerConfig& peer, const PeerPullDeps& deps,
                     JobContext& job) {
  PeerClient client(peer, *deps.fetcher, job.cancel_flag());
  MIRRORD_TRY_ASSIGN(const auto repos, peer_repos_of(policy, client));
  MIRRORD_TRY_ASSIGN(const auto records, verified_records(repos, client));
  if (records.empty()) {
    return make_error(ErrorCode::kNotFound,
                      "peer " + peer.name + " has published no snapshot of " + policy.name);
  }
  MIRRORD_TRY(plan(records, *deps.catalog, job));
  replica::ApplyProgress progress;
  progress.blob_done = [&job](const replica::RecordBlob&) { job.file_done(); };
  progress.bytes = [&job](std::uint64_t bytes) { job.add_bytes(bytes); };
  progress.prepare = replica::apt_resign_step(deps.store, deps.catalog, deps.storage_root);
  auto applied = replica::apply_records(records, client, *deps.store, *deps.catalog,
                                        job.cancel_flag(), progress, deps.storage_root);
  if (!applied) {
    return make_error(applied.error().code, "peer " + peer.name + ": " + applied.error().message +
                                                "; nothing was published");
  }
  report_commit(records, job);
  return {};
}

std::function<JobWork(const Policy&)> with_peer_pulls(
    std::function<JobWork(const Policy&)> ecosystems, PeerPullDeps deps) {
  auto shared = std::make_shared<const PeerPullDeps>(std::move(deps));
  return [ecosystems = std::move(ecosystems), shared](const Policy& policy) -> JobWork {
    if (policy.upstream_peer.empty()) {
      return ecosystems(policy);
    }
    return [shared, policy](JobContext& job) -> Status {
      for (const PeerConfig& peer : shared->peers) {
        if (peer.name == policy.upstream_peer) {
          return run_peer_pull(policy, peer, *shared, job);
        }
      }
      return make_error(ErrorCode::kInvalidInput,
                        "policy " + policy.name + " names upstream peer:" + policy.upstream_peer +
                            ", which is not a [peers." + policy.upstream_peer +
                            "] of the daemon's config");
    };
  };
}

}  // namespace mirrord::peers
