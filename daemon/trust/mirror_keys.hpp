// Where the mirror keeps its own keys: <storage root>/keys/. Today one, the Ed25519 key that
// signs snapshot manifests (manifest-ed25519.pem, created by the first pull or by
// `mirrorctl keys manifest`).
#pragma once

#include <filesystem>

#include "daemon/config.hpp"

namespace mirrord {

std::filesystem::path keys_dir(const std::filesystem::path& storage_root);
std::filesystem::path manifest_key_path(const std::filesystem::path& storage_root);
inline std::filesystem::path manifest_key_path(const Config& config) {
  return manifest_key_path(config.storage_root);
}

}  // namespace mirrord
