// The public, read-only endpoints through which another mirrord pulls from this one
// (README "Federation"):
//   GET /api/mirror/repos                       {"repos": [{"kind", "name"}, ...]}: every repo
//                                                with a published snapshot
//   GET /api/mirror/records/{KIND}/{NAME...}    the signed records of the repo's published
//                                                snapshots (JSON, binary fields in base64)
//   GET|HEAD /api/mirror/blobs/{SHA256}         the bytes of a blob a published snapshot
//                                                references, with Range; anything else 404
// They read only the catalog, the store and the manifest key; none of them creates anything.
#pragma once

#include <filesystem>
#include <memory>

#include "daemon/http/message.hpp"
#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"

namespace mirrord::peers {

struct PeerRouteDeps {
  std::shared_ptr<Catalog> catalog;
  std::shared_ptr<BlobStore> store;
  std::filesystem::path manifest_key_file;  // signs the records (daemon/trust/mirror_keys.hpp)
};

http::Route make_peer_routes(PeerRouteDeps deps);

}  // namespace mirrord::peers
