// The signer checks of model.sig: a configured EC key (with the key hint) or a certificate chain
// to a configured CA, and ECDSA over the PAE with the hash the curve calls for.
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "policies/inspect/model_signature.hpp"
#include "policies/inspect/openssl_handles.hpp"

namespace mirrord::model_sig {
namespace {

// P-256 -> SHA-256, P-384 -> SHA-384, P-521 -> SHA-512; nothing else (no RSA, no Ed25519).
const EVP_MD* digest_for(EVP_PKEY* key) {
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) {
    return nullptr;
  }
  char group[64] = {};
  std::size_t length = 0;
  if (EVP_PKEY_get_group_name(key, group, sizeof group, &length) != 1) {
    return nullptr;
  }
  const std::string name(group, length);
  if (name == "prime256v1" || name == "P-256")
    return EVP_sha256();
  if (name == "secp384r1" || name == "P-384")
    return EVP_sha384();
  if (name == "secp521r1" || name == "P-521")
    return EVP_sha512();
  return nullptr;
}

bool ecdsa_verifies(EVP_PKEY* key, const std::string& message, const std::string& signature) {
  const EVP_MD* md = digest_for(key);
  ossl::MdCtx ctx(EVP_MD_CTX_new());
  if (md == nullptr || ctx == nullptr ||
      EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key) != 1) {
    ERR_clear_error();
    return false;
  }
  const int ok = EVP_DigestVerify(
      ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
      reinterpret_cast<const unsigned char*>(message.data()), message.size());
  ERR_clear_error();
  return ok == 1;
}

// The key hint: hex sha256 of the key's canonical PEM SubjectPublicKeyInfo (not of a key file).
std::string key_hint(EVP_PKEY* key) {
  ossl::Bio bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_PUBKEY(bio.get(), key) != 1) {
    return {};
  }
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  return sha256_of(std::string_view(data, static_cast<std::size_t>(length))).hex();
}

std::string subject_of(X509* cert) {
  char text[256] = {};
  X509_NAME_oneline(X509_get_subject_name(cert), text, sizeof text);
  return text;
}

bool leaf_may_sign(X509* leaf) {
  const std::uint32_t usage = X509_get_key_usage(leaf);  // UINT32_MAX when unrestricted
  const std::uint32_t extended = X509_get_extended_key_usage(leaf);
  return (usage & KU_DIGITAL_SIGNATURE) != 0 || (extended & XKU_CODE_SIGN) != 0;
}

}  // namespace

bool verify_with_keys(const std::string& hint, const std::string& pae, const std::string& signature,
                      const TrustAnchors& anchors, ModelSignatureVerdict& verdict) {
  verdict.method = "key";
  bool hint_matched = hint.empty();
  for (const auto& key : anchors.keys()) {
    const std::string this_hint = key_hint(key.get());
    if (!hint.empty() && hint != this_hint) {
      continue;
    }
    hint_matched = true;
    if (digest_for(key.get()) == nullptr) {
      continue;
    }
    if (ecdsa_verifies(key.get(), pae, signature)) {
      verdict.reason = "signed by the trusted key " + this_hint.substr(0, 16);
      return true;
    }
  }
  verdict.status = SignatureStatus::kFailed;
  verdict.reason = hint_matched ? "the signature does not verify with any trusted key (wrong key, "
                                  "or the signed statement was modified)"
                                : "the signature names key " + hint.substr(0, 16) +
                                      ", which is not a trusted key";
  return false;
}

bool verify_with_chain(const std::vector<std::string>& chain, const std::string& pae,
                       const std::string& signature, const TrustAnchors& anchors, std::time_t at,
                       ModelSignatureVerdict& verdict) {
  verdict.method = "certificate";
  verdict.status = SignatureStatus::kFailed;
  std::vector<ossl::Cert> certs;
  for (const std::string& der : chain) {
    const unsigned char* cursor = reinterpret_cast<const unsigned char*>(der.data());
    ossl::Cert cert(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
    if (cert == nullptr ||
        cursor != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
      verdict.reason = "the certificate chain holds an unreadable certificate";
      return false;
    }
    certs.push_back(std::move(cert));
  }
  ossl::Store store(X509_STORE_new());
  ossl::CertStack untrusted(sk_X509_new_null());
  ossl::StoreCtx ctx(X509_STORE_CTX_new());
  for (const auto& anchor : anchors.certificates()) {
    X509_STORE_add_cert(store.get(), anchor.get());
  }
  for (std::size_t i = 1; i < certs.size(); ++i) {
    X509_up_ref(certs[i].get());
    sk_X509_push(untrusted.get(), certs[i].get());
  }
  if (X509_STORE_CTX_init(ctx.get(), store.get(), certs[0].get(), untrusted.get()) != 1) {
    verdict.reason = "cannot set up chain verification: " + ossl::last_error();
    return false;
  }
  X509_STORE_CTX_set_time(ctx.get(), 0, at);
  if (X509_verify_cert(ctx.get()) != 1) {
    verdict.reason = std::string("the certificate chain does not lead to a trusted CA: ") +
                     X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
    ERR_clear_error();
    return false;
  }
  if (!leaf_may_sign(certs[0].get())) {
    verdict.reason = "the signing certificate allows neither digitalSignature nor codeSigning";
    return false;
  }
  if (!ecdsa_verifies(X509_get0_pubkey(certs[0].get()), pae, signature)) {
    verdict.reason = "the signature does not verify with the certificate's key";
    return false;
  }
  verdict.reason = "signed by certificate " + subject_of(certs[0].get());
  return true;
}

}  // namespace mirrord::model_sig
