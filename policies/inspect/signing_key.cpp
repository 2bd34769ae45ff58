#include "policies/inspect/signing_key.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "storage/digest.hpp"

#include "policies/inspect/openssl_handles.hpp"

namespace mirrord {
namespace {

// Hex sha256 of the DER SubjectPublicKeyInfo of `key`.
std::string spki_id(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(key, &der);
  const std::string id = sha256_of(std::string_view(reinterpret_cast<const char*>(der),
                                                    static_cast<std::size_t>(std::max(length, 0))))
                             .hex();
  OPENSSL_free(der);
  return id;
}

std::string pem_of(EVP_PKEY* key, bool private_key) {
  ossl::Bio bio(BIO_new(BIO_s_mem()));
  const int ok =
      private_key ? PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)
                  : PEM_write_bio_PUBKEY(bio.get(), key);
  if (ok != 1) {
    return {};
  }
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(length));
}

Error io_error(const std::string& what, const std::filesystem::path& path) {
  return make_error(ErrorCode::kIo, what + " " + path.string() + ": " + std::strerror(errno));
}

// Writes the key to a temporary name (0600) and renames it into place, so a crash never leaves a
// half-written key; a concurrent creator's key wins if it got there first.
Status write_new_key(const std::filesystem::path& path, const std::string& pem) {
  // Unique per call, not only per process: concurrent first pulls create the key from several
  // threads at once.
  static std::atomic<unsigned> attempt{0};
  const std::filesystem::path temp = path.string() + ".tmp." + std::to_string(::getpid()) + "." +
                                     std::to_string(attempt.fetch_add(1));
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return io_error("cannot create", temp);
  }
  const bool written =
      ::write(fd, pem.data(), pem.size()) == static_cast<ssize_t>(pem.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!written || ::link(temp.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    const Error error = io_error(written ? "cannot create" : "cannot write", path);
    ::unlink(temp.c_str());
    return written && saved == EEXIST ? Status{} : Status(error);
  }
  ::unlink(temp.c_str());
  return {};
}

}  // namespace

Result<SigningKey> SigningKey::generate() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (key == nullptr) {
    return make_error(ErrorCode::kInternal,
                      "cannot generate an Ed25519 key: " + ossl::last_error());
  }
  return SigningKey(std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free));
}

Result<SigningKey> SigningKey::load_or_create(const std::filesystem::path& private_pem) {
  std::error_code ec;
  if (!std::filesystem::exists(private_pem, ec)) {
    std::filesystem::create_directories(private_pem.parent_path(), ec);
    ::chmod(private_pem.parent_path().c_str(), 0700);
    MIRRORD_TRY_ASSIGN(SigningKey fresh, generate());
    MIRRORD_TRY(write_new_key(private_pem, pem_of(fresh.key_.get(), true)));
  }
  std::ifstream in(private_pem, std::ios::binary);
  if (!in) {
    return io_error("cannot read", private_pem);
  }
  std::ostringstream text;
  text << in.rdbuf();
  const std::string pem = text.str();
  ossl::Bio bio = ossl::memory_bio(pem);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (key == nullptr || EVP_PKEY_get_base_id(key) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(key);
    return make_error(ErrorCode::kInvalidInput,
                      private_pem.string() + " is not an Ed25519 private key");
  }
  return SigningKey(std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free));
}

std::string SigningKey::sign(std::string_view message) const {
  ossl::MdCtx ctx(EVP_MD_CTX_new());
  std::string signature(64, '\0');
  std::size_t length = signature.size();
  if (ctx == nullptr || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1) {
    throw std::runtime_error("Ed25519 signing failed: " + ossl::last_error());  // a bug
  }
  signature.resize(length);
  return signature;
}

std::string SigningKey::public_pem() const {
  return pem_of(key_.get(), false);
}

std::string SigningKey::key_id() const {
  return spki_id(key_.get());
}

Result<std::string> public_key_id(std::string_view public_pem) {
  ossl::Bio bio = ossl::memory_bio(public_pem);
  ossl::Key key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (key == nullptr || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_ED25519) {
    ERR_clear_error();
    return make_error(ErrorCode::kInvalidInput, "not an Ed25519 public key");
  }
  return spki_id(key.get());
}

Status verify_ed25519(std::string_view public_pem, std::string_view message,
                      std::string_view signature) {
  ossl::Bio bio = ossl::memory_bio(public_pem);
  ossl::Key key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (key == nullptr || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_ED25519) {
    ERR_clear_error();
    return make_error(ErrorCode::kInvalidInput, "not an Ed25519 public key");
  }
  ossl::MdCtx ctx(EVP_MD_CTX_new());
  const bool ok =
      EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) == 1 &&
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) == 1;
  ERR_clear_error();
  return ok ? Status{} : Status(make_error(ErrorCode::kInvalidInput, "bad Ed25519 signature"));
}

}  // namespace mirrord
