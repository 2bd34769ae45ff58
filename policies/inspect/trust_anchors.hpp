// TrustAnchors: the public keys and CA certificates an operator trusts for model signatures
// (`trusted_keys` in a policy: PEM files). Everything a verifier trusts comes from here, never
// from the signature bundle itself.
//
// A PEM file may hold several blocks and text before them (the OpenSSF test keys start with a
// human-readable dump): every PUBLIC KEY block becomes a key, every CERTIFICATE block a trust
// anchor for certificate chains; a file with neither is refused.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/result.hpp"

typedef struct evp_pkey_st EVP_PKEY;
typedef struct x509_st X509;

namespace mirrord {

class TrustAnchors {
 public:
  static Result<TrustAnchors> load(const std::vector<std::filesystem::path>& files);
  // `label` names the source in errors (a file name).
  static Result<TrustAnchors> from_pem(std::string_view pem, const std::string& label);

  void add(TrustAnchors other);
  bool empty() const { return keys_.empty() && certificates_.empty(); }
  const std::vector<std::shared_ptr<EVP_PKEY>>& keys() const { return keys_; }
  const std::vector<std::shared_ptr<X509>>& certificates() const { return certificates_; }

 private:
  std::vector<std::shared_ptr<EVP_PKEY>> keys_;
  std::vector<std::shared_ptr<X509>> certificates_;
};

}  // namespace mirrord
