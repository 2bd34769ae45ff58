// HfSource: see hf_source.hpp. Requests and retries live in hf_upstream, the per-file download in
// hf_file_download, the parsing of upstream JSON in hf_json.
#include "daemon/hf/hf_source.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "daemon/fetch/backoff.hpp"
#include "daemon/fetch/url.hpp"
#include "daemon/hf/hf_byte_sources.hpp"
#include "daemon/hf/hf_file_download.hpp"
#include "daemon/hf/hf_json.hpp"
#include "daemon/hf/hf_upstream.hpp"

namespace mirrord {
namespace {

constexpr std::size_t kMaxTreePages = 10000;
constexpr std::size_t kMaxManifestFiles = 1000000;
constexpr std::size_t kMaxRevisionBytes = 256;

Error invalid(std::string message) {
  return make_error(ErrorCode::kInvalidInput, std::move(message));
}

std::string normalized_endpoint(std::string endpoint) {
  while (!endpoint.empty() && endpoint.back() == '/') {
    endpoint.pop_back();
  }
  if (!url_origin(endpoint)) {
    throw std::invalid_argument("upstream endpoint is not an http(s) URL: " + redact_url(endpoint));
  }
  return endpoint;
}

Status check_repo(std::string_view repo, std::string_view repo_type) {
  if (repo_type != "model" && repo_type != "dataset") {
    return invalid("unsupported repo type \"" + std::string(repo_type.substr(0, 32)) + "\"");
  }
  if (!is_valid_repo_id(repo)) {
    return invalid("malformed repo id \"" + std::string(repo.substr(0, 200)) + "\"");
  }
  return {};
}

Status check_target(const HfTarget& target) {
  MIRRORD_TRY(check_repo(target.repo, target.repo_type));
  const auto& rev = target.revision;
  if (rev.empty() || rev.size() > kMaxRevisionBytes ||
      std::any_of(rev.begin(), rev.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
    return invalid("malformed revision for " + target.repo);
  }
  return {};
}

std::string api_prefix(const std::string& endpoint, const std::string& repo_type,
                       const std::string& repo) {
  return endpoint + "/api/" + repo_type + "s/" + repo;
}

// Follows rel="next" only within the endpoint's origin: every request carries the upstream
// token (libcurl withholds it on redirects, not on new requests), so a page link naming another
// host must not be followed; nor would a mirror ever be told to fetch from an unconfigured host.
Result<std::vector<ManifestEntry>> list_tree(const UpstreamContext& context,
                                             const std::string& endpoint, std::string url,
                                             const std::string& what) {
  const auto origin = url_origin(endpoint);
  std::vector<ManifestEntry> files;
  std::set<std::string> visited;
  for (std::size_t page = 0;; ++page) {
    if (page == kMaxTreePages || !visited.insert(url).second) {
      return make_error(ErrorCode::kUpstream, what + ": tree pagination does not end");
    }
    MIRRORD_TRY_ASSIGN(const ApiDocument document, get_api_document(context, url, what));
    MIRRORD_TRY_ASSIGN(auto entries, parse_hf_tree_page(document.body));
    files.insert(files.end(), std::make_move_iterator(entries.begin()),
                 std::make_move_iterator(entries.end()));
    if (files.size() > kMaxManifestFiles) {
      return invalid(what + ": more than " + std::to_string(kMaxManifestFiles) + " files");
    }
    const auto link = document.response.header("Link");
    const auto next = link ? parse_link_next(*link) : std::nullopt;
    if (!next) {
      break;
    }
    if (url_origin(*next) != origin) {
      return make_error(ErrorCode::kUpstream,
                        what + ": next page link leaves the endpoint: " + redact_url(*next));
    }
    url = *next;
  }
  MIRRORD_TRY(check_manifest_paths(files));
  return files;
}

Result<HfManifest> plan_on(const UpstreamContext& context, const std::string& endpoint,
                           const HfTarget& target) {
  const std::string what = target.repo_type + " " + target.repo + "@" + target.revision;
  const std::string revision_url = api_prefix(endpoint, target.repo_type, target.repo) +
                                   "/revision/" + percent_encode(target.revision);
  // A renamed repo answers with a relative 307 to its canonical id, which the fetcher follows;
  // the body's `id` names the canonical repo from then on.
  MIRRORD_TRY_ASSIGN(const ApiDocument revision,
                     get_api_document(context, revision_url, "revision of " + what));
  MIRRORD_TRY_ASSIGN(HfRevisionInfo info, parse_hf_revision(revision.body));
  const std::string tree_url = api_prefix(endpoint, target.repo_type, info.id) + "/tree/" +
                               info.sha + "?recursive=true&expand=false";
  MIRRORD_TRY_ASSIGN(auto files, list_tree(context, endpoint, tree_url, "tree of " + what));
  return HfManifest{info.id,  target.repo_type, target.revision,
                    info.sha, std::move(files), std::move(info.info_json)};
}

// After a failure that is not a mismatch, whether the next source may still serve the file: not
// after a local failure (disk, cancel), nor after a final answer from the hub (404, gate).
bool next_source_may_help(const Error& error, bool authoritative) {
  if (error.retryable()) {
    return true;
  }
  const bool upstream_said_no = error.code == ErrorCode::kNotFound ||
                                error.code == ErrorCode::kUpstream ||
                                error.code == ErrorCode::kPolicy;
  return upstream_said_no && !authoritative;
}

// The restart after a mismatch left an empty .part: nothing worth resuming.
Error discard_and_return(HfFileDownload& download, Error error) {
  download.discard();
  return error;
}

Status check_file_request(const HfManifest& manifest, const ManifestEntry& entry) {
  MIRRORD_TRY(check_repo(manifest.repo, manifest.repo_type));
  if (!GitOid::from_hex(manifest.commit)) {
    return invalid("manifest of " + manifest.repo + " has a malformed commit");
  }
  MIRRORD_TRY(check_repo_path(entry.path));
  if (entry.lfs && !entry.sha256) {
    return invalid(entry.path + ": LFS entry without a sha256");
  }
  return {};
}

}  // namespace

HfSource::HfSource(std::vector<std::string> endpoints, std::shared_ptr<Fetcher> fetcher,
                   RetryPolicy retry)
    : fetcher_(std::move(fetcher)), retry_(retry), sleep_(sleep_unless_cancelled) {
  if (endpoints.empty() || !fetcher_) {
    throw std::invalid_argument("HfSource needs at least one endpoint and a fetcher");
  }
  for (auto& endpoint : endpoints) {
    endpoints_.push_back(normalized_endpoint(std::move(endpoint)));
  }
}

void HfSource::set_modelscope_endpoints(std::vector<std::string> endpoints) {
  modelscope_endpoints_.clear();
  for (auto& endpoint : endpoints) {
    modelscope_endpoints_.push_back(normalized_endpoint(std::move(endpoint)));
  }
}

Result<HfManifest> HfSource::plan(const HfTarget& target, const std::atomic<bool>* cancel) const {
  MIRRORD_TRY(check_target(target));
  const UpstreamContext context{*fetcher_, retry_, sleep_, cancel};
  std::optional<HfManifest> manifest;
  const auto endpoints = health_ ? health_->order(endpoints_) : endpoints_;
  MIRRORD_TRY(on_each_endpoint(endpoints, [&](const std::string& endpoint) -> Status {
    MIRRORD_TRY_ASSIGN(manifest, plan_on(context, endpoint, target));
    return {};
  }));
  return std::move(*manifest);
}

Result<bool> HfSource::names_tag(const HfTarget& target, const std::atomic<bool>* cancel) const {
  MIRRORD_TRY(check_target(target));
  const UpstreamContext context{*fetcher_, retry_, sleep_, cancel};
  bool tag = false;
  MIRRORD_TRY(on_each_endpoint(endpoints_, [&](const std::string& endpoint) -> Status {
    MIRRORD_TRY_ASSIGN(
        const ApiDocument refs,
        get_api_document(context, api_prefix(endpoint, target.repo_type, target.repo) + "/refs",
                         "refs of " + target.repo));
    tag = hf_refs_list_tag(refs.body, target.revision);
    return {};
  }));
  return tag;
}

// Each source in turn (hf_byte_sources). A source whose bytes do not verify is charged with it and
// the next one starts from zero; a final answer from the hub (404, gate) ends the file, while any
// failure of a byte-only source moves on.
Result<BlobInfo> HfSource::fetch_file(const HfManifest& manifest, const ManifestEntry& entry,
                                      BlobStore& store, const ProgressFn& progress,
                                      const std::atomic<bool>* cancel) const {
  MIRRORD_TRY(check_file_request(manifest, entry));
  const UpstreamContext context{*fetcher_, retry_, sleep_, cancel};
  HfFileDownload download(context, store, entry, progress);
  MIRRORD_TRY(download.start());
  const auto sources =
      hf_byte_sources({endpoints_, modelscope_endpoints_}, health_.get(), manifest, entry);
  std::optional<Error> last;
  std::optional<Error> mismatch;  // reported over any later failure: it says what went wrong
  bool worth_retrying = false;    // a source failed for now only: the job may succeed later
  for (const HfFileSource& source : sources) {
    auto blob = download.from(source.url);
    if (blob) {
      return *blob;
    }
    last = blob.error();
    if (is_content_mismatch(*last)) {
      if (health_) {
        health_->record_rejected(source.url, "bytes differ from the manifest: " + last->message);
      }
      mismatch = last;
      MIRRORD_TRY(download.restart());
      continue;
    }
    if (!next_source_may_help(*last, source.authoritative)) {
      return mismatch ? discard_and_return(download, *mismatch) : *last;
    }
    worth_retrying = worth_retrying || last->retryable();
  }
  if (mismatch) {
    return discard_and_return(download, *mismatch);
  }
  return make_error(worth_retrying ? ErrorCode::kUpstreamRetryable : last->code,
                    "every upstream endpoint failed (" + std::to_string(sources.size()) +
                        " tried); last: " + last->message);
}

}  // namespace mirrord
