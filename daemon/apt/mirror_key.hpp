// The mirror's own archive signing key, for policies in mode = "resign" (protocols/apt.md §6).
//
// The key lives in a GnuPG home at <storage root>/keys/gnupg (mode 0700) and is created on first
// use: an Ed25519 signing key without passphrase or expiry (the daemon signs unattended; protect
// the directory like any private key). Signing uses gpg itself rather than OpenSSL because apt
// verifies with gpgv, which needs OpenPGP packets and the clearsign framing; gpg writes both
// exactly as Debian's archive does, and gpgv is already the verifier on the upstream side.
// gpg runs without a shell and with a clean environment; its agent is stopped after each use.
//
// Thread-safety: every method may be called from any thread (one process-wide lock).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "storage/result.hpp"

namespace mirrord::apt {

struct SignedRelease {
  std::string inrelease;    // the clearsigned Release
  std::string release_gpg;  // the armored detached signature over the Release text
};

class MirrorKey {
 public:
  explicit MirrorKey(std::filesystem::path gnupg_home);

  // The primary key's fingerprint (40 upper-case hex); creates the key when there is none.
  Result<std::string> fingerprint() const;
  // The armored public key, for clients' signed-by (creates the key when there is none).
  Result<std::string> public_key() const;
  // Signs `release_text` both ways (creates the key when there is none).
  Result<SignedRelease> sign(std::string_view release_text) const;

  const std::filesystem::path& home() const { return home_; }

 private:
  Result<std::string> ensure_key() const;  // caller holds the lock
  Result<std::string> gpg(std::vector<std::string> arguments, const std::string& what) const;
  void stop_agent() const;

  std::filesystem::path home_;
};

// <storage root>/keys/gnupg
std::filesystem::path mirror_gnupg_home(const std::filesystem::path& storage_root);

}  // namespace mirrord::apt
