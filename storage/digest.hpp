// Digests: sha256 (the store's content address) and git blob sha1 (Hugging Face ETags and tree
// oids of regular files). Hashers stream: bytes are fed as they arrive, never held whole.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace mirrord {

// A sha256 digest. Value type; compares by bytes; prints as 64 lower-case hex characters.
class Sha256 {
 public:
  static constexpr std::size_t kSize = 32;
  Sha256() = default;
  explicit Sha256(const std::array<std::uint8_t, kSize>& bytes) : bytes_(bytes) {}
  // Accepts exactly 64 hex characters (either case); anything else is nullopt.
  static std::optional<Sha256> from_hex(std::string_view hex);
  std::string hex() const;
  const std::array<std::uint8_t, kSize>& bytes() const { return bytes_; }
  friend bool operator==(const Sha256&, const Sha256&) = default;
  friend auto operator<=>(const Sha256&, const Sha256&) = default;

 private:
  std::array<std::uint8_t, kSize> bytes_{};
};

// A git object id (sha1), e.g. the git blob id of a file. Prints as 40 hex characters.
class GitOid {
 public:
  static constexpr std::size_t kSize = 20;
  GitOid() = default;
  explicit GitOid(const std::array<std::uint8_t, kSize>& bytes) : bytes_(bytes) {}
  static std::optional<GitOid> from_hex(std::string_view hex);
  std::string hex() const;
  friend bool operator==(const GitOid&, const GitOid&) = default;
  friend auto operator<=>(const GitOid&, const GitOid&) = default;

 private:
  std::array<std::uint8_t, kSize> bytes_{};
};

// Streaming sha256 over OpenSSL EVP.
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(Sha256Hasher&&) noexcept;
  Sha256Hasher& operator=(Sha256Hasher&&) noexcept;
  void update(std::span<const std::byte> data);
  void update(std::string_view data);
  Sha256 finish();  // the hasher must not be used afterwards

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Streaming git blob id: sha1("blob " + decimal(size) + "\0" + content). The size must be known
// up front (it is part of the header); finish() reports nullopt if the bytes fed differ from it.
class GitBlobHasher {
 public:
  explicit GitBlobHasher(std::uint64_t declared_size);
  ~GitBlobHasher();
  GitBlobHasher(GitBlobHasher&&) noexcept;
  GitBlobHasher& operator=(GitBlobHasher&&) noexcept;
  void update(std::span<const std::byte> data);
  std::optional<GitOid> finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

Sha256 sha256_of(std::string_view data);
GitOid git_blob_oid_of(std::string_view data);

// The Git LFS pointer text for a file (byte-exact, LF line ends), and its git blob id.
std::string lfs_pointer_text(const Sha256& oid, std::uint64_t size);
GitOid lfs_pointer_oid(const Sha256& oid, std::uint64_t size);

}  // namespace mirrord
