// The mirror's signed snapshot manifests, served next to the Hugging Face API (README "Trust"):
//   GET /api/{models|datasets}/{ORG}/{NAME}/manifest/{REV}            the manifest JSON, exactly
//       the signed bytes; headers X-Mirror-Key-Id and X-Mirror-Signature (base64)
//   GET /api/{models|datasets}/{ORG}/{NAME}/manifest/{REV}/signature  the raw Ed25519 signature
//   GET /api/mirror/manifest-key                                        the public key (PEM)
// REV is a commit or a ref. 404 with X-Error-Code EntryNotFound when the snapshot has no manifest
// (published before manifests, or without a key). Reads only the catalog and the key folder.
#pragma once

#include <filesystem>
#include <memory>

#include "daemon/http/message.hpp"
#include "storage/catalog.hpp"

namespace mirrord {

http::Route make_hf_manifest_route(std::shared_ptr<Catalog> catalog,
                                   std::filesystem::path manifest_key_file);

}  // namespace mirrord
