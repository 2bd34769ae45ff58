#include "daemon/upstream_changes.hpp"

#include <cstdio>

namespace mirrord {

void record_upstream_change(Catalog& catalog, const RepoKey& repo, const char* change,
                            const std::string& detail) {
  auto recorded =
      catalog.record_upstream_change(UpstreamChange{0, repo.kind, repo.name, change, detail, 0});
  if (!recorded) {
    std::fprintf(stderr, "mirrord: cannot record the upstream change of %s (%s: %s): %s\n",
                 repo.name.c_str(), change, detail.c_str(), recorded.error().message.c_str());
  }
}

Error note_upstream_gone(Catalog& catalog, const RepoKey& repo, const Error& error) {
  if (error.code != ErrorCode::kNotFound) {
    return error;
  }
  auto refs = catalog.list_refs(repo);
  if (!refs || refs->empty()) {
    return error;
  }
  record_upstream_change(catalog, repo, kChangeDeletedUpstream, error.message);
  return make_error(ErrorCode::kNotFound,
                    error.message +
                        "; the repo is gone upstream (recorded, see `mirrorctl changes`) and the "
                        "mirror keeps serving its published snapshots");
}

}  // namespace mirrord
