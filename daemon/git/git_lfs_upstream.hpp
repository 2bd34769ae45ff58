// Fetching Git LFS objects from a mirror's upstream LFS server (protocols/git.md §6.3-§6.4),
// into the BlobStore, verified against the pointer's sha256 and size while written.
//
// The upstream's batch answer is untrusted input: each object must come back with the oid and
// size that were asked, a download href must be http(s), and extra headers must be plain
// "Name: value" text. The bytes are checked by the store whatever the answer claims.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "daemon/fetch/fetcher.hpp"
#include "daemon/git/git_lfs_pointer.hpp"
#include "daemon/jobs/job_manager.hpp"
#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"

namespace mirrord::git {

// Objects per batch request (the Git LFS reference client sends at most 100).
inline constexpr std::size_t kLfsBatchSize = 100;

struct LfsDownloadAction {
  LfsPointer pointer;
  std::string href;
  std::vector<std::string> headers;  // "Name: value"
};

// The JSON body of a download batch request for `objects`.
std::string render_batch_download_request(std::span<const LfsPointer> objects);

// The download action for each asked object, in the order asked. Any object missing from the
// answer, answered with an error, or with a malformed action fails the whole answer with a
// message naming the oid.
Result<std::vector<LfsDownloadAction>> parse_batch_download_response(
    std::string_view body, std::span<const LfsPointer> asked);

struct LfsFetchDeps {
  Fetcher& fetcher;
  BlobStore& store;
  Catalog& catalog;
};

// Downloads every object the store does not hold yet from `server_url` (".../info/lfs") and
// records it in the catalog. Progress: one file and its bytes per object.
Status fetch_lfs_objects(const LfsFetchDeps& deps, const std::string& server_url,
                         const std::vector<LfsPointer>& objects, JobContext& job);

}  // namespace mirrord::git
