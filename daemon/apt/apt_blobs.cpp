#include "daemon/apt/apt_blobs.hpp"

#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <memory>

namespace mirrord::apt {
namespace {

struct DigestContextFree {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

// Feeds the blob's bytes to `chunk`, up to `max_bytes`.
Status read_chunks(const BlobStore& store, const Sha256& digest, std::uint64_t max_bytes,
                   const std::function<void(const char*, std::size_t)>& chunk) {
  MIRRORD_TRY_ASSIGN(OpenBlob blob, store.open(digest));
  if (blob.size > max_bytes) {
    return make_error(ErrorCode::kSizeMismatch, "blob " + digest.hex() + " is larger than " +
                                                    std::to_string(max_bytes) + " bytes");
  }
  char buffer[65536];
  for (;;) {
    const ssize_t got = ::read(blob.fd.get(), buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got < 0) {
      return make_error(ErrorCode::kIo,
                        "cannot read blob " + digest.hex() + ": " + std::strerror(errno));
    }
    if (got == 0) {
      return {};
    }
    chunk(buffer, static_cast<std::size_t>(got));
  }
}

class Sha512 {
 public:
  Sha512() : context_(EVP_MD_CTX_new()) {
    if (!context_ || EVP_DigestInit_ex(context_.get(), EVP_sha512(), nullptr) != 1) {
      throw std::runtime_error("cannot initialise sha512");
    }
  }
  void update(const char* data, std::size_t size) { EVP_DigestUpdate(context_.get(), data, size); }
  std::string hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_DigestFinal_ex(context_.get(), digest, &size);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string text;
    for (unsigned int i = 0; i < size; ++i) {
      text.push_back(kHex[digest[i] >> 4]);
      text.push_back(kHex[digest[i] & 15]);
    }
    return text;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, DigestContextFree> context_;
};

}  // namespace

Result<BlobInfo> store_bytes(BlobStore& store, Catalog& catalog, std::string_view bytes) {
  ExpectedContent expected;
  expected.size = bytes.size();
  expected.sha256 = sha256_of(bytes);
  MIRRORD_TRY_ASSIGN(const auto known, catalog.find_blob(*expected.sha256));
  if (known && store.contains(known->sha256)) {
    MIRRORD_TRY(catalog.record_blob(*known));  // GC's grace period counts from this use
    return *known;
  }
  MIRRORD_TRY_ASSIGN(auto ingest, store.begin_ingest(expected));
  MIRRORD_TRY(ingest->write(std::as_bytes(std::span(bytes.data(), bytes.size()))));
  MIRRORD_TRY_ASSIGN(BlobInfo blob, ingest->commit());
  MIRRORD_TRY(catalog.record_blob(blob));
  return blob;
}

Result<std::string> read_blob(const BlobStore& store, const Sha256& digest,
                              std::uint64_t max_bytes) {
  std::string data;
  MIRRORD_TRY(read_chunks(store, digest, max_bytes, [&data](const char* bytes, std::size_t size) {
    data.append(bytes, size);
  }));
  return data;
}

Result<std::string> sha512_hex_of_blob(const BlobStore& store, const Sha256& digest) {
  Sha512 hasher;
  MIRRORD_TRY(
      read_chunks(store, digest, UINT64_MAX,
                  [&hasher](const char* bytes, std::size_t size) { hasher.update(bytes, size); }));
  return hasher.hex();
}

std::string sha512_hex(std::string_view data) {
  Sha512 hasher;
  hasher.update(data.data(), data.size());
  return hasher.hex();
}

SnapshotFile snapshot_file(std::string path, const BlobInfo& blob) {
  // Only Hugging Face trees show git blob ids; the null id stands in where none was computed.
  return SnapshotFile{std::move(path), blob.sha256, blob.git_oid.value_or(GitOid()), false,
                      blob.size};
}

}  // namespace mirrord::apt
