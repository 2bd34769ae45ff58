#include "daemon/apt/apt_keys_handler.hpp"

#include <nlohmann/json.hpp>

#include "daemon/apt/mirror_key.hpp"

namespace mirrord {

http::Response apt_public_key_response(const std::filesystem::path& storage_root) {
  const apt::MirrorKey key(apt::mirror_gnupg_home(storage_root));
  auto fingerprint = key.fingerprint();
  auto public_key = fingerprint ? key.public_key() : Result<std::string>(fingerprint.error());
  if (!public_key) {
    return http::json_response(
        500, nlohmann::json{{"error", "mirror key: " + public_key.error().message}}.dump());
  }
  return http::json_response(
      200, nlohmann::json{{"fingerprint", *fingerprint}, {"public_key", *public_key}}.dump());
}

}  // namespace mirrord
