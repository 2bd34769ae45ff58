// The serving side of git: dumb HTTP for `git clone` / `git fetch` and the Git LFS Batch API
// (protocols/git.md §3, §5, §6), from the repositories the mirror keeps and the BlobStore only.
// Never contacts an upstream; never hands out an upstream URL.
//
//   /git/<name>[.git]/...             git mirrors (policies with source = "git")
//   /<ORG>/<NAME>[.git]/...           Hugging Face repos pulled through the HF ecosystem,
//   /datasets/<ORG>/<NAME>[.git]/...  served from commits synthesized from their snapshots
//
// Files come from the repository directory through an allow-list (git_route_path.hpp), opened
// without following symlinks. Pushes (git-receive-pack, LFS upload and locks) get 403.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "daemon/http/message.hpp"
#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"

namespace mirrord {

struct GitRoutesOptions {
  std::string public_url;              // base of absolute LFS hrefs, without a trailing '/'
  std::filesystem::path storage_root;  // mirrors in <root>/git, HF repos in <root>/git-hf
};

// Returns nullopt for requests that are not git requests; under /git/ it answers everything.
// For the Hugging Face forms it answers only repos the catalog holds.
http::Route make_git_routes(std::shared_ptr<Catalog> catalog, std::shared_ptr<BlobStore> store,
                            GitRoutesOptions options);

}  // namespace mirrord
