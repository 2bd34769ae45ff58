// How an apt policy lives in the catalog. One repo per policy (kind "apt", name = policy name)
// holding every suite of that archive and their shared pool; one snapshot per published state;
// the ref "current" names the state served. A snapshot's files are:
//   dists/<suite>/InRelease, Release, Release.gpg      what clients verify (upstream's or
//   re-signed) dists/<suite>/<index> and .../by-hash/<Type>/<hex>  the indexes, under both kinds of
//   name <Filename>                                          every kept package file, e.g.
//   pool/main/... .upstream/<suite>/...                               upstream's signed files, kept
//   as evidence
//                                                       (never served: a '.' segment is refused)
// and its info_json is AptRepoState: per suite the accepted upstream Date (for the rollback
// check) and the served dates, and the earlier snapshots still retained for clients that read
// their InRelease shortly before a switch (by-hash and pool names resolve through them).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/catalog.hpp"

namespace mirrord::apt {

inline constexpr const char* kAptRepoKind = "apt";
inline constexpr const char* kCurrentRef = "current";
// How long the files of a replaced snapshot stay reachable by-hash and in the pool: one sync
// interval plus the longest client update, generously (Pulp keeps three days too).
inline constexpr std::int64_t kRetainSeconds = 3 * 24 * 3600;
inline constexpr std::size_t kMaxRetained = 32;

struct SuiteState {
  std::int64_t upstream_date = 0;
  std::optional<std::int64_t> upstream_valid_until;
  std::string signed_text_sha256;  // of upstream's signed Release text
  std::string signer;              // primary fingerprint of upstream's accepted signature
  std::int64_t served_date = 0;    // Date of the Release clients get
  std::optional<std::int64_t> served_valid_until;
  std::uint64_t package_files = 0;
};

struct RetainedSnapshot {
  std::string commit;
  std::int64_t until = 0;  // unix seconds
};

struct AptRepoState {
  std::string mode;  // "verbatim" | "resign"
  std::map<std::string, SuiteState> suites;
  std::string content_id;  // hash of the files and suite states (equal: nothing changed)
  std::vector<RetainedSnapshot> retained;
};

std::string state_to_json(const AptRepoState& state);
Result<AptRepoState> state_from_json(std::string_view json);

struct CurrentSnapshot {
  SnapshotInfo info;
  AptRepoState state;
  std::vector<SnapshotFile> files;
};

// The hash of `files` (sorted by path, one entry per path) and the suite states: equal when
// nothing a client sees changed.
std::string content_id_of(const std::vector<SnapshotFile>& files, const AptRepoState& state);

RepoKey apt_repo_key(const std::string& policy_name);

// The snapshot "current" names, if any.
Result<std::optional<CurrentSnapshot>> load_current(Catalog& catalog,
                                                    const std::string& policy_name);

// Publishes `files` with `state` as the policy's current snapshot, unless its content equals the
// current one's (then nothing changes). Returns the commit served afterwards. Refuses two
// different blobs under one path.
Result<std::string> publish_state(Catalog& catalog, const std::string& policy_name,
                                  std::vector<SnapshotFile> files, AptRepoState state,
                                  const std::optional<CurrentSnapshot>& previous, std::int64_t now);

}  // namespace mirrord::apt
