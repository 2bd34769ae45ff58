// Private to policies/inspect: RAII owners of OpenSSL objects, and OpenSSL's error queue as text.
#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <string_view>

namespace mirrord::ossl {

struct Free {
  void operator()(BIO* bio) const { BIO_free(bio); }
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
  void operator()(X509* cert) const { X509_free(cert); }
  void operator()(X509_STORE* store) const { X509_STORE_free(store); }
  void operator()(X509_STORE_CTX* ctx) const { X509_STORE_CTX_free(ctx); }
  void operator()(STACK_OF(X509) * stack) const { sk_X509_pop_free(stack, X509_free); }
};

using Bio = std::unique_ptr<BIO, Free>;
using Key = std::unique_ptr<EVP_PKEY, Free>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, Free>;
using Cert = std::unique_ptr<X509, Free>;
using Store = std::unique_ptr<X509_STORE, Free>;
using StoreCtx = std::unique_ptr<X509_STORE_CTX, Free>;
using CertStack = std::unique_ptr<STACK_OF(X509), Free>;

// A read-only memory BIO over `bytes` (which must outlive it).
inline Bio memory_bio(std::string_view bytes) {
  return Bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
}

// The oldest error on OpenSSL's queue (and clears the queue), for messages.
std::string last_error();

}  // namespace mirrord::ossl
