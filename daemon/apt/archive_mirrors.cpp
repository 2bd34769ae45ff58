#include "daemon/apt/archive_mirrors.hpp"

#include "daemon/fetch/url.hpp"

namespace mirrord::apt {
namespace {

Error about_mirror(const std::string& mirror, Error error) {
  error.message = redact_url(mirror) + ": " + error.message;
  return error;
}

// `served_first` then the others, keeping their order.
std::vector<std::string> first_then_others(const std::vector<std::string>& mirrors,
                                           const std::string& served_first) {
  std::vector<std::string> ordered{served_first};
  for (const std::string& mirror : mirrors) {
    if (mirror != served_first) {
      ordered.push_back(mirror);
    }
  }
  return ordered;
}

// The release fetched from one mirror, held to the date rules.
Status checked_release(const Result<UpstreamRelease>& release,
                       const std::optional<AcceptedRelease>& previous, std::int64_t now,
                       AptMode mode) {
  if (!release) {
    return release.error();
  }
  auto change = check_release_dates(*release, previous, now, mode);
  if (!change) {
    return change.error();
  }
  return {};
}

}  // namespace

Result<MirroredRelease> fetch_newest_release(const Upstream& upstream,
                                             const std::vector<std::string>& mirrors,
                                             const std::string& suite,
                                             const SignatureChecker& checker,
                                             const std::optional<AcceptedRelease>& previous,
                                             std::int64_t now, AptMode mode) {
  std::optional<UpstreamRelease> newest;
  std::string newest_mirror;
  std::optional<Error> retryable;
  std::optional<Error> refused;
  for (const std::string& mirror : mirrors) {
    auto release = fetch_upstream_release(upstream, mirror, suite, checker);
    const Status checked = checked_release(release, previous, now, mode);
    if (!checked) {
      if (checked.error().code == ErrorCode::kCancelled) {
        return checked.error();
      }
      if (!checked.error().retryable() && upstream.health != nullptr) {
        // Reachable, but what it served is not acceptable: worth seeing in `mirrorctl upstreams`.
        upstream.health->record_rejected(mirror + "/dists/" + suite + "/",
                                         suite + ": " + checked.error().message);
      }
      auto& kept = checked.error().retryable() ? retryable : refused;
      if (!kept) {
        kept = about_mirror(mirror, checked.error());
      }
      continue;
    }
    if (!newest || release->info.date > newest->info.date) {
      newest = std::move(release).value();
      newest_mirror = mirror;
    }
  }
  if (!newest) {
    return refused ? *refused : *retryable;
  }
  return MirroredRelease{std::move(*newest), first_then_others(mirrors, newest_mirror)};
}

Result<BlobInfo> obtain_from_mirrors(const Upstream& upstream, BlobStore& store, Catalog& catalog,
                                     const std::vector<std::string>& mirrors,
                                     const std::string& path, const ExpectedContent& expected,
                                     const ProgressFn& progress) {
  std::optional<Error> mismatch;
  std::optional<Error> last;
  for (const std::string& mirror : mirrors) {
    const std::string url = mirror + "/" + path;
    auto blob = obtain_blob(upstream, store, catalog, url, expected, progress);
    if (blob) {
      return blob;
    }
    const Error& error = blob.error();
    if (is_content_mismatch(error)) {
      if (upstream.health != nullptr) {
        upstream.health->record_rejected(url, path + ": " + error.message);
      }
      mismatch = error;
    } else if (!error.retryable() && error.code != ErrorCode::kNotFound &&
               error.code != ErrorCode::kUpstream) {
      return error;
    }
    last = error;
  }
  return mismatch ? *mismatch : *last;
}

}  // namespace mirrord::apt
