// The admin API's GET /v1/keys/apt: the mirror's public archive key for clients' signed-by
// (`mirrorctl keys export`). Creates the key on first use, so that operators can ship it to
// clients before any policy needs re-signing.
//
//   200 {"fingerprint": "<40 hex>", "public_key": "-----BEGIN PGP PUBLIC KEY BLOCK-----\n..."}
//   500 {"error": "..."} when gpg fails
#pragma once

#include <filesystem>

#include "daemon/http/message.hpp"

namespace mirrord {

http::Response apt_public_key_response(const std::filesystem::path& storage_root);

}  // namespace mirrord
