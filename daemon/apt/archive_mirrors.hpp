// Several mirrors of one archive (a policy's `url = [...]`, README "Several upstreams"):
//   - each suite's Release is fetched from every mirror and must verify against the pinned keyring
//     and pass the date checks whichever mirror served it; the newest valid one (by Date) is
//     taken, so a stale mirror cannot roll the suite back and a dead one does not stop the pull;
//   - indexes and pool files are checked by the hashes of that Release and its Packages, so any
//     mirror that has them may serve them: the one that served the Release first, then the others
//     (mirrors whose latest requests failed last).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "daemon/apt/apt_fetch.hpp"
#include "daemon/apt/upstream_release.hpp"
#include "daemon/upstreams/upstream_health.hpp"

namespace mirrord::apt {

struct MirroredRelease {
  UpstreamRelease release;
  std::vector<std::string> mirrors;  // the one that served `release` first, then the others
};

// The newest Release of `suite` among `mirrors` that verifies and passes check_release_dates.
// When none does: kUpstreamRetryable when every mirror failed that way (the cut-off), else the
// first other failure, naming its mirror.
Result<MirroredRelease> fetch_newest_release(const Upstream& upstream,
                                             const std::vector<std::string>& mirrors,
                                             const std::string& suite,
                                             const SignatureChecker& checker,
                                             const std::optional<AcceptedRelease>& previous,
                                             std::int64_t now, AptMode mode);

// obtain_blob from `mirror + "/" + path` of each mirror in turn, until one gives the expected
// content. A mirror without the file (404), failing, or serving other bytes is passed over; a
// mismatch is reported over a later 404 (nothing is published either way).
Result<BlobInfo> obtain_from_mirrors(const Upstream& upstream, BlobStore& store, Catalog& catalog,
                                     const std::vector<std::string>& mirrors,
                                     const std::string& path, const ExpectedContent& expected,
                                     const ProgressFn& progress);

}  // namespace mirrord::apt
