#include "storage/digest.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <stdexcept>

namespace mirrord {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

template <std::size_t N>
std::optional<std::array<std::uint8_t, N>> parse_hex(std::string_view hex) {
  if (hex.size() != 2 * N) {
    return std::nullopt;
  }
  std::array<std::uint8_t, N> bytes{};
  for (std::size_t i = 0; i < N; ++i) {
    const int high = hex_value(hex[2 * i]);
    const int low = hex_value(hex[2 * i + 1]);
    if (high < 0 || low < 0) {
      return std::nullopt;
    }
    bytes[i] = static_cast<std::uint8_t>(high * 16 + low);
  }
  return bytes;
}

template <std::size_t N>
std::string to_hex(const std::array<std::uint8_t, N>& bytes) {
  std::string out;
  out.reserve(2 * N);
  for (std::uint8_t b : bytes) {
    out.push_back(kHexDigits[b >> 4]);
    out.push_back(kHexDigits[b & 0x0f]);
  }
  return out;
}

// Owns one EVP_MD_CTX. OpenSSL failing to initialise or update a built-in digest means the
// library is broken or out of memory: a bug-class failure, hence an exception.
class EvpContext {
 public:
  explicit EvpContext(const EVP_MD* md) : ctx_(EVP_MD_CTX_new()) {
    if (ctx_ == nullptr || EVP_DigestInit_ex(ctx_, md, nullptr) != 1) {
      EVP_MD_CTX_free(ctx_);
      throw std::runtime_error("OpenSSL: cannot initialise digest");
    }
  }
  ~EvpContext() { EVP_MD_CTX_free(ctx_); }
  EvpContext(const EvpContext&) = delete;
  EvpContext& operator=(const EvpContext&) = delete;

  void update(const void* data, std::size_t size) {
    if (size > 0 && EVP_DigestUpdate(ctx_, data, size) != 1) {
      throw std::runtime_error("OpenSSL: digest update failed");
    }
  }

  template <std::size_t N>
  std::array<std::uint8_t, N> finish() {
    std::array<std::uint8_t, EVP_MAX_MD_SIZE> out{};
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(ctx_, out.data(), &length) != 1 || length != N) {
      throw std::runtime_error("OpenSSL: digest final failed");
    }
    std::array<std::uint8_t, N> digest{};
    std::copy_n(out.begin(), N, digest.begin());
    return digest;
  }

 private:
  EVP_MD_CTX* ctx_;
};

}  // namespace

std::optional<Sha256> Sha256::from_hex(std::string_view hex) {
  auto bytes = parse_hex<kSize>(hex);
  if (!bytes) {
    return std::nullopt;
  }
  return Sha256(*bytes);
}

std::string Sha256::hex() const {
  return to_hex(bytes_);
}

std::optional<GitOid> GitOid::from_hex(std::string_view hex) {
  auto bytes = parse_hex<kSize>(hex);
  if (!bytes) {
    return std::nullopt;
  }
  return GitOid(*bytes);
}

std::string GitOid::hex() const {
  return to_hex(bytes_);
}

struct Sha256Hasher::Impl {
  EvpContext ctx{EVP_sha256()};
};

Sha256Hasher::Sha256Hasher() : impl_(std::make_unique<Impl>()) {}
Sha256Hasher::~Sha256Hasher() = default;
Sha256Hasher::Sha256Hasher(Sha256Hasher&&) noexcept = default;
Sha256Hasher& Sha256Hasher::operator=(Sha256Hasher&&) noexcept = default;

void Sha256Hasher::update(std::span<const std::byte> data) {
  impl_->ctx.update(data.data(), data.size());
}

void Sha256Hasher::update(std::string_view data) {
  impl_->ctx.update(data.data(), data.size());
}

Sha256 Sha256Hasher::finish() {
  return Sha256(impl_->ctx.finish<Sha256::kSize>());
}

struct GitBlobHasher::Impl {
  EvpContext ctx{EVP_sha1()};
  std::uint64_t declared_size = 0;
  std::uint64_t fed = 0;
};

GitBlobHasher::GitBlobHasher(std::uint64_t declared_size) : impl_(std::make_unique<Impl>()) {
  impl_->declared_size = declared_size;
  const std::string header = "blob " + std::to_string(declared_size);
  // The NUL that ends the header is part of what git hashes.
  impl_->ctx.update(header.c_str(), header.size() + 1);
}

GitBlobHasher::~GitBlobHasher() = default;
GitBlobHasher::GitBlobHasher(GitBlobHasher&&) noexcept = default;
GitBlobHasher& GitBlobHasher::operator=(GitBlobHasher&&) noexcept = default;

void GitBlobHasher::update(std::span<const std::byte> data) {
  impl_->fed += data.size();
  impl_->ctx.update(data.data(), data.size());
}

std::optional<GitOid> GitBlobHasher::finish() {
  auto digest = GitOid(impl_->ctx.finish<GitOid::kSize>());
  if (impl_->fed != impl_->declared_size) {
    return std::nullopt;
  }
  return digest;
}

Sha256 sha256_of(std::string_view data) {
  Sha256Hasher hasher;
  hasher.update(data);
  return hasher.finish();
}

GitOid git_blob_oid_of(std::string_view data) {
  GitBlobHasher hasher(data.size());
  hasher.update(std::as_bytes(std::span(data.data(), data.size())));
  return *hasher.finish();
}

std::string lfs_pointer_text(const Sha256& oid, std::uint64_t size) {
  return "version https://git-lfs.github.com/spec/v1\noid sha256:" + oid.hex() + "\nsize " +
         std::to_string(size) + "\n";
}

GitOid lfs_pointer_oid(const Sha256& oid, std::uint64_t size) {
  return git_blob_oid_of(lfs_pointer_text(oid, size));
}

}  // namespace mirrord
