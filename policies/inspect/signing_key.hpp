// SigningKey: the mirror's own Ed25519 key, with which it signs the manifest of every snapshot it
// publishes, so another mirror or a client can check what it serves (README "Trust").
//
// The private key is a PKCS#8 PEM file (mode 0600, created atomically when missing); the public
// key is exported as a PEM SubjectPublicKeyInfo. Signatures are raw 64-byte Ed25519 signatures
// over the exact manifest bytes (`openssl pkeyutl -verify -rawin` checks them).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "storage/result.hpp"

typedef struct evp_pkey_st EVP_PKEY;

namespace mirrord {

class SigningKey {
 public:
  // Loads the key at `private_pem`, or creates it (and its folder, mode 0700) when missing.
  static Result<SigningKey> load_or_create(const std::filesystem::path& private_pem);
  static Result<SigningKey> generate();

  std::string sign(std::string_view message) const;  // 64 raw bytes
  std::string public_pem() const;
  // Hex sha256 of the DER SubjectPublicKeyInfo: names the key in manifests.
  std::string key_id() const;

 private:
  explicit SigningKey(std::shared_ptr<EVP_PKEY> key) : key_(std::move(key)) {}
  std::shared_ptr<EVP_PKEY> key_;
};

// OK when `signature` (raw) is an Ed25519 signature of `message` by the key in `public_pem`;
// kInvalidInput otherwise (also for a PEM that is not an Ed25519 public key).
// The key id (as SigningKey::key_id) of the Ed25519 public key in `public_pem`; kInvalidInput
// for a PEM that is not one.
Result<std::string> public_key_id(std::string_view public_pem);

Status verify_ed25519(std::string_view public_pem, std::string_view message,
                      std::string_view signature);

}  // namespace mirrord
