#include "daemon/apt/upstream_release.hpp"

#include "daemon/apt/clearsign.hpp"
#include "daemon/apt/release_date.hpp"

namespace mirrord::apt {
namespace {

std::string dists_url(const std::string& archive_url, const std::string& suite,
                      const std::string& name) {
  return archive_url + "/dists/" + suite + "/" + name;
}

Error about_suite(const std::string& suite, const Error& error) {
  return make_error(error.code, "dists/" + suite + ": " + error.message);
}

// Optional upstream files: absent (404) is a value, any other failure an error.
Result<std::optional<std::string>> fetch_optional(const Upstream& upstream,
                                                  const std::string& url) {
  auto document = fetch_document(upstream, url, kMaxReleaseBytes);
  if (!document) {
    if (document.error().code == ErrorCode::kNotFound) {
      return std::optional<std::string>();
    }
    return document.error();
  }
  return std::optional<std::string>(std::move(document).value());
}

Status verify_inrelease(const SignatureChecker& checker, UpstreamRelease& release) {
  // The strict split first: gpgv would accept text appended after the signature.
  MIRRORD_TRY_ASSIGN(const ClearsignedMessage message, split_clearsigned(*release.inrelease));
  MIRRORD_TRY_ASSIGN(VerifiedText verified, checker.verify_clearsigned(*release.inrelease));
  release.signed_text = std::move(verified.text);
  release.signer = std::move(verified.signer);
  if (without_trailing_blanks(message.text) != release.signed_text) {
    return make_error(ErrorCode::kInvalidInput,
                      "InRelease: the signed text gpgv reports differs from the file's one signed "
                      "block");
  }
  return {};
}

// Release and Release.gpg of a suite that has an InRelease: served verbatim only when they carry
// exactly the InRelease text and a good signature of their own.
Status attach_detached_pair(const Upstream& upstream, const std::string& archive_url,
                            const SignatureChecker& checker, UpstreamRelease& release) {
  MIRRORD_TRY_ASSIGN(auto text,
                     fetch_optional(upstream, dists_url(archive_url, release.suite, "Release")));
  if (!text || *text != release.signed_text) {
    return {};
  }
  MIRRORD_TRY_ASSIGN(auto signature, fetch_optional(upstream, dists_url(archive_url, release.suite,
                                                                        "Release.gpg")));
  if (!signature || !checker.verify_detached(*text, *signature)) {
    return {};
  }
  release.release = std::move(text);
  release.release_gpg = std::move(signature);
  return {};
}

Status check_identity(const UpstreamRelease& release) {
  const ReleaseInfo& info = release.info;
  if (info.suite != release.suite && info.codename != release.suite) {
    return make_error(ErrorCode::kInvalidInput,
                      "Release names Suite '" + info.suite + "' and Codename '" + info.codename +
                          "', not the requested suite '" + release.suite + "'");
  }
  return {};
}

Result<UpstreamRelease> fetch_and_verify(const Upstream& upstream, const std::string& archive_url,
                                         const std::string& suite,
                                         const SignatureChecker& checker) {
  UpstreamRelease release;
  release.suite = suite;
  MIRRORD_TRY_ASSIGN(release.inrelease,
                     fetch_optional(upstream, dists_url(archive_url, suite, "InRelease")));
  if (release.inrelease) {
    MIRRORD_TRY(verify_inrelease(checker, release));
    MIRRORD_TRY(attach_detached_pair(upstream, archive_url, checker, release));
  } else {
    MIRRORD_TRY_ASSIGN(release.release,
                       fetch_optional(upstream, dists_url(archive_url, suite, "Release")));
    MIRRORD_TRY_ASSIGN(release.release_gpg,
                       fetch_optional(upstream, dists_url(archive_url, suite, "Release.gpg")));
    if (!release.release || !release.release_gpg) {
      return make_error(ErrorCode::kNotFound,
                        "upstream has no InRelease, and no Release with "
                        "Release.gpg");
    }
    MIRRORD_TRY_ASSIGN(release.signer,
                       checker.verify_detached(*release.release, *release.release_gpg));
    release.signed_text = *release.release;
  }
  MIRRORD_TRY_ASSIGN(release.info, parse_release(release.signed_text));
  MIRRORD_TRY(check_identity(release));
  return release;
}

}  // namespace

Result<UpstreamRelease> fetch_upstream_release(const Upstream& upstream,
                                               const std::string& archive_url,
                                               const std::string& suite,
                                               const SignatureChecker& checker) {
  auto release = fetch_and_verify(upstream, archive_url, suite, checker);
  if (!release) {
    return about_suite(suite, release.error());
  }
  return release;
}

Result<ReleaseChange> check_release_dates(const UpstreamRelease& release,
                                          const std::optional<AcceptedRelease>& previous,
                                          std::int64_t now, AptMode mode) {
  const ReleaseInfo& info = release.info;
  const std::string where = "dists/" + release.suite + ": ";
  if (info.date > now + kMaxFutureSeconds) {
    return make_error(ErrorCode::kInvalidInput, where + "Release Date " +
                                                    format_release_date(info.date) +
                                                    " is in the future; check both clocks");
  }
  ReleaseChange change = ReleaseChange::kNew;
  if (previous) {
    if (info.date < previous->date) {
      return make_error(ErrorCode::kConflict,
                        where + "refused a rollback: Release Date " +
                            format_release_date(info.date) + " is older than the accepted " +
                            format_release_date(previous->date) + "; still serving that one");
    }
    const std::string text_sha256 = sha256_of(release.signed_text).hex();
    if (info.date == previous->date) {
      if (text_sha256 != previous->signed_text_sha256) {
        return make_error(ErrorCode::kConflict,
                          where +
                              "Release changed without a newer Date; refused, still serving "
                              "the accepted one");
      }
      change = ReleaseChange::kUnchanged;
    }
    if (mode == AptMode::kVerbatim && info.date < previous->served_date) {
      return make_error(ErrorCode::kConflict,
                        where + "upstream's Release Date " + format_release_date(info.date) +
                            " is older than the re-signed Release already served (" +
                            format_release_date(previous->served_date) +
                            "); apt clients would ignore it. Keep mode = \"resign\" until "
                            "upstream publishes a newer Release");
    }
  }
  if (mode == AptMode::kVerbatim && info.valid_until && *info.valid_until <= now) {
    return make_error(ErrorCode::kPolicy,
                      where + "stale: upstream's Release expired at " +
                          format_release_date(*info.valid_until) +
                          " (Valid-Until); serving verbatim would make apt refuse it. Still "
                          "serving the previous state; use mode = \"resign\" to serve past it");
  }
  return change;
}

}  // namespace mirrord::apt
