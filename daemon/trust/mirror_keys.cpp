#include "daemon/trust/mirror_keys.hpp"

namespace mirrord {

std::filesystem::path keys_dir(const std::filesystem::path& storage_root) {
  return storage_root / "keys";
}

std::filesystem::path manifest_key_path(const std::filesystem::path& storage_root) {
  return keys_dir(storage_root) / "manifest-ed25519.pem";
}

}  // namespace mirrord
