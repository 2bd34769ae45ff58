#include "daemon/pypi/pypi_file_fetch.hpp"

#include <algorithm>

#include "daemon/fetch/url.hpp"
#include "daemon/pypi/pypi_ingest.hpp"
#include "daemon/pypi/pypi_url.hpp"
#include "daemon/pypi/staging_file.hpp"
#include "daemon/pypi/wheel_metadata.hpp"
#include "policies/policy.hpp"

namespace mirrord::pypi {
namespace {

Error about(const UpstreamFile& file, Error error) {
  error.message = file.filename + ": " + error.message;
  return error;
}

// Adds the wheel's core metadata (read from `fd`) to `fetched`; problems become a review note,
// not a failure: the wheel itself is verified and installable without a .metadata file.
Status add_metadata(int fd, const DistFilename& dist, const FileFetchDeps& deps,
                    FetchedFile& fetched) {
  if (dist.kind != DistKind::kWheel) {
    return {};
  }
  auto metadata = extract_wheel_metadata(fd, dist);
  if (!metadata) {
    fetched.review = metadata.error().message;
    return {};
  }
  MIRRORD_TRY_ASSIGN(fetched.metadata,
                     ingest_bytes(deps.store, deps.catalog, *metadata, deps.cancel));
  fetched.requires_python = parse_core_metadata(*metadata).requires_python;
  return {};
}

Result<FetchedFile> download(const UpstreamFile& file, const std::string& url,
                             const DistFilename& dist, const FileFetchDeps& deps) {
  const std::uint64_t cap = deps.max_file_size != 0 ? deps.max_file_size : kDefaultMaxFileSize;
  MIRRORD_TRY_ASSIGN(auto staged, StagingFile::create(deps.staging_dir));
  const BodySink sink = [&](std::span<const std::byte> chunk) -> Status {
    MIRRORD_TRY(staged->write(chunk));
    if (deps.progress) {
      deps.progress(chunk.size());
    }
    return {};
  };
  Status fetched = deps.upstream.download(
      url, file.size.value_or(cap), [&] { return staged->reset(); }, sink);
  if (!fetched) {
    if (fetched.error().code == ErrorCode::kSizeMismatch) {
      return make_error(ErrorCode::kSizeMismatch,
                        file.size ? "upstream sent more bytes than the index lists"
                                  : "larger than the size cap (" + std::to_string(cap) + " bytes)");
    }
    return fetched.error();
  }
  const Sha256 digest = staged->digest();
  if (file.size && staged->size() != *file.size) {
    return make_error(ErrorCode::kSizeMismatch, "upstream sent " + std::to_string(staged->size()) +
                                                    " bytes; the index lists " +
                                                    std::to_string(*file.size));
  }
  if (file.sha256 && *file.sha256 != digest) {
    const auto place = deps.quarantine_dir / (digest.hex() + "-" + file.filename);
    MIRRORD_TRY(staged->move_to(place));
    return make_error(ErrorCode::kDigestMismatch,
                      "the bytes hash to sha256 " + digest.hex() + " but the index lists " +
                          file.sha256->hex() + "; not published, bytes kept in " + place.string());
  }
  FetchedFile result;
  MIRRORD_TRY_ASSIGN(result.blob, ingest_fd(deps.store, deps.catalog, staged->fd(), staged->size(),
                                            digest, deps.cancel));
  MIRRORD_TRY(add_metadata(staged->fd(), dist, deps, result));
  return result;
}

bool upstream_failure(const Error& error) {
  return error.retryable() || error.code == ErrorCode::kNotFound ||
         error.code == ErrorCode::kUpstream;
}

// `file.url`, then its other URLs (other indexes listing the same sha256) that the host rules
// allow, until one gives bytes that verify. A mismatch is reported over any later failure.
Result<FetchedFile> download_from_any(const UpstreamFile& file, const DistFilename& dist,
                                      const FileFetchDeps& deps) {
  std::vector<std::string> urls{file.url};
  for (const std::string& url : file.other_urls) {
    if (host_allowed(deps, url)) {
      urls.push_back(url);
    }
  }
  std::optional<Error> mismatch;
  std::optional<Error> last;
  for (const std::string& url : urls) {
    auto downloaded = download(file, url, dist, deps);
    if (downloaded) {
      return downloaded;
    }
    if (is_content_mismatch(downloaded.error())) {
      if (deps.health != nullptr) {
        deps.health->record_rejected(url, file.filename + ": " + downloaded.error().message);
      }
      mismatch = downloaded.error();
    } else if (!upstream_failure(downloaded.error())) {
      return downloaded.error();
    }
    last = downloaded.error();
  }
  return mismatch.value_or(*last);
}

}  // namespace

bool host_allowed(const FileFetchDeps& deps, const std::string& url) {
  const std::optional<std::string> host = url_host(url);
  if (!host) {
    return false;
  }
  if (deps.allowed_hosts.empty() || std::find(deps.index_hosts.begin(), deps.index_hosts.end(),
                                              *host) != deps.index_hosts.end()) {
    return true;
  }
  return std::any_of(deps.allowed_hosts.begin(), deps.allowed_hosts.end(),
                     [&](const std::string& pattern) { return glob_match(pattern, *host); });
}

Result<FetchedFile> describe_stored(const BlobInfo& blob, const DistFilename& dist,
                                    const FileFetchDeps& deps) {
  FetchedFile result;
  result.blob = blob;
  MIRRORD_TRY_ASSIGN(OpenBlob open, deps.store.open(blob.sha256));
  MIRRORD_TRY(add_metadata(open.fd.get(), dist, deps, result));
  return result;
}

Result<FetchedFile> fetch_distribution(const UpstreamFile& file, const DistFilename& dist,
                                       const FileFetchDeps& deps) {
  if (file.refusal) {
    return about(file, make_error(ErrorCode::kConflict, *file.refusal));
  }
  if (!host_allowed(deps, file.url)) {
    return about(file, make_error(ErrorCode::kPolicy,
                                  "its URL " + redact_url(file.url) +
                                      " is on a host the policy's file_hosts do not allow"));
  }
  if (file.sha256) {
    auto stored = find_stored(deps.catalog, deps.store, *file.sha256);
    if (!stored) {
      return about(file, stored.error());
    }
    if (*stored) {
      auto described = describe_stored(**stored, dist, deps);
      return described ? described : about(file, described.error());
    }
  }
  auto downloaded = download_from_any(file, dist, deps);
  return downloaded ? downloaded : about(file, downloaded.error());
}

}  // namespace mirrord::pypi
