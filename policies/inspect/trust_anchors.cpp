#include "policies/inspect/trust_anchors.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <fstream>
#include <sstream>

#include "policies/inspect/openssl_handles.hpp"

namespace mirrord {

namespace ossl {

std::string last_error() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) {
    return "no details from OpenSSL";
  }
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

}  // namespace ossl

Result<TrustAnchors> TrustAnchors::from_pem(std::string_view pem, const std::string& label) {
  TrustAnchors anchors;
  ossl::Bio bio = ossl::memory_bio(pem);
  for (;;) {
    char* name = nullptr;
    char* header = nullptr;
    unsigned char* data = nullptr;
    long length = 0;
    if (PEM_read_bio(bio.get(), &name, &header, &data, &length) != 1) {
      ERR_clear_error();  // the end of the input reads as an error
      break;
    }
    const std::string block = name;
    const unsigned char* cursor = data;
    if (block == "PUBLIC KEY") {
      EVP_PKEY* key = d2i_PUBKEY(nullptr, &cursor, length);
      if (key == nullptr) {
        OPENSSL_free(name), OPENSSL_free(header), OPENSSL_free(data);
        return make_error(ErrorCode::kInvalidInput, label + ": unreadable PUBLIC KEY block");
      }
      anchors.keys_.emplace_back(key, EVP_PKEY_free);
    } else if (block == "CERTIFICATE") {
      X509* cert = d2i_X509(nullptr, &cursor, length);
      if (cert == nullptr) {
        OPENSSL_free(name), OPENSSL_free(header), OPENSSL_free(data);
        return make_error(ErrorCode::kInvalidInput, label + ": unreadable CERTIFICATE block");
      }
      anchors.certificates_.emplace_back(cert, X509_free);
    }
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_free(data);
  }
  if (anchors.empty()) {
    return make_error(ErrorCode::kInvalidInput,
                      label + " holds no PEM PUBLIC KEY or CERTIFICATE block");
  }
  return anchors;
}

Result<TrustAnchors> TrustAnchors::load(const std::vector<std::filesystem::path>& files) {
  TrustAnchors all;
  for (const std::filesystem::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      return make_error(ErrorCode::kInvalidInput, "cannot read trusted key " + file.string());
    }
    std::ostringstream text;
    text << in.rdbuf();
    MIRRORD_TRY_ASSIGN(TrustAnchors anchors, from_pem(text.str(), file.string()));
    all.add(std::move(anchors));
  }
  return all;
}

void TrustAnchors::add(TrustAnchors other) {
  keys_.insert(keys_.end(), other.keys_.begin(), other.keys_.end());
  certificates_.insert(certificates_.end(), other.certificates_.begin(), other.certificates_.end());
}

}  // namespace mirrord
