// Fetching and verifying one suite's Release from upstream (protocols/apt.md §4 steps 1-4):
// InRelease (or, when upstream has none, Release + Release.gpg) with a size cap, the strict
// clearsign split, gpgv against the pinned keyring, the Release parsed from the signed text only,
// and the suite's identity and dates checked against the previously accepted Release.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "daemon/apt/apt_fetch.hpp"
#include "daemon/apt/gpgv.hpp"
#include "daemon/apt/release.hpp"
#include "policies/apt_target.hpp"

namespace mirrord::apt {

// Debian's InRelease files are well under 1 MiB.
inline constexpr std::uint64_t kMaxReleaseBytes = 8u << 20;
// apt's Acquire::Max-FutureTime default: a Date further ahead than this is refused.
inline constexpr std::int64_t kMaxFutureSeconds = 10;

struct UpstreamRelease {
  std::string suite;
  std::string signed_text;  // what gpgv says the signature covers; the only text parsed
  ReleaseInfo info;
  std::string signer;  // primary fingerprint of the accepted signature
  // Upstream's files byte for byte. `inrelease` is unset when upstream has only Release and
  // Release.gpg; those two are set only when both exist and Release is exactly the signed text.
  std::optional<std::string> inrelease;
  std::optional<std::string> release;
  std::optional<std::string> release_gpg;
};

// Fetches and verifies dists/<suite>/ of `archive_url`. Errors say which check failed.
Result<UpstreamRelease> fetch_upstream_release(const Upstream& upstream,
                                               const std::string& archive_url,
                                               const std::string& suite,
                                               const SignatureChecker& checker);

// What the mirror accepted last time for a suite.
struct AcceptedRelease {
  std::int64_t date = 0;
  std::string signed_text_sha256;
  std::int64_t served_date = 0;  // differs from `date` after re-signing
};

enum class ReleaseChange { kNew, kUnchanged };

// The date rules: Date not in the future (beyond kMaxFutureSeconds), not older than the last
// accepted Date (a rollback), the same Date only with the same signed text; in verbatim mode not
// older than a re-signed Release already served (apt would silently keep that one, §6 step 4);
// Valid-Until, when present, not passed in verbatim mode (the suite is then stale; in resign
// mode the mirror's own Valid-Until replaces it).
Result<ReleaseChange> check_release_dates(const UpstreamRelease& release,
                                          const std::optional<AcceptedRelease>& previous,
                                          std::int64_t now, AptMode mode);

}  // namespace mirrord::apt
