// Recording what upstreams did that the mirror does not follow (README, "Pinned snapshots and
// upstream changes"; storage/catalog_protection.hpp). Every ecosystem's pull calls these; none
// of them changes what is published.
#pragma once

#include <string>

#include "storage/catalog.hpp"

namespace mirrord {

// Records `change` of `repo` once per distinct detail. A failure to record is logged, never
// returned: the pull's own outcome matters more than its bookkeeping.
void record_upstream_change(Catalog& catalog, const RepoKey& repo, const char* change,
                            const std::string& detail);

// For an upstream that answered "not found" (kNotFound: HTTP 404 or 410) about `repo`: when the
// mirror has published snapshots of it, records "deleted upstream" and returns the error saying
// that the published snapshots stay served; otherwise returns `error` as it is.
Error note_upstream_gone(Catalog& catalog, const RepoKey& repo, const Error& error);

}  // namespace mirrord
