// The serving side of apt: GET and HEAD of /apt/<policy>/<path>, answered from the Catalog and the
// BlobStore only (never an upstream). dists/<suite>/... names resolve through the snapshot
// "current" names at request time, so clients see one complete state or the next, never a mix;
// by-hash names and package files also resolve through the retained earlier snapshots, so a
// client that read the previous InRelease a moment before the switch still gets its files.
// Paths with an empty, '.' or '..' segment, or a segment starting with '.', are refused.
#pragma once

#include <memory>

#include "daemon/http/message.hpp"
#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"

namespace mirrord {

// nullopt for requests outside /apt/.
http::Route make_apt_routes(std::shared_ptr<Catalog> catalog, std::shared_ptr<BlobStore> store);

}  // namespace mirrord
