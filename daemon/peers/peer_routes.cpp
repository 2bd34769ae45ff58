#include "daemon/peers/peer_routes.hpp"

#include <nlohmann/json.hpp>
#include <set>
#include <string_view>

#include "daemon/http/blob_response.hpp"
#include "daemon/peers/peer_client.hpp"
#include "daemon/replica/snapshot_record.hpp"
#include "policies/inspect/signing_key.hpp"

namespace mirrord::peers {
namespace {

using nlohmann::json;

constexpr std::string_view kPrefix = "/api/mirror/";

// The message also goes in X-Error-Message: a pulling mirror's fetcher drops error bodies.
http::Response error(int status, const std::string& message) {
  http::Response response = http::json_response(status, json{{"error", message}}.dump());
  response.headers.set("X-Error-Message", message);
  return response;
}

http::Response serve_blob(const PeerRouteDeps& deps, const http::Request& request,
                          std::string_view hex) {
  const auto digest = Sha256::from_hex(hex);
  if (!digest || hex.size() != 64) {
    return error(404, "no such blob");
  }
  auto published = deps.catalog->blob_published(*digest);
  if (!published) {
    return error(503, "the catalog cannot be read");
  }
  if (!*published) {
    return error(404, "no published snapshot references this blob");
  }
  auto blob = deps.store->open(*digest);
  if (!blob) {
    return error(blob.error().code == ErrorCode::kNotFound ? 404 : 503, "the blob cannot be read");
  }
  const std::string etag = "\"" + std::string(hex) + "\"";
  http::Headers headers;
  headers.set("ETag", etag);
  headers.set("Content-Type", "application/octet-stream");
  headers.set("Cache-Control", "public, max-age=31536000, immutable");
  const std::uint64_t size = blob->size;
  return http::blob_response(request, std::make_shared<UniqueFd>(std::move(blob->fd)), size,
                             std::move(headers), etag);
}

http::Response serve_repos(const PeerRouteDeps& deps) {
  auto summaries = deps.catalog->list_repos();
  if (!summaries) {
    return error(503, "the catalog cannot be read");
  }
  std::set<std::pair<std::string, std::string>> repos;
  for (const RepoSummary& summary : *summaries) {
    repos.emplace(summary.repo.kind, summary.repo.name);
  }
  json list = json::array();
  for (const auto& [kind, name] : repos) {
    list.push_back(json{{"kind", kind}, {"name", name}});
  }
  return http::json_response(200, json{{"repos", list}}.dump());
}

// records/{KIND}/{NAME...}, each segment percent-decoded; nullopt when malformed.
std::optional<RepoKey> records_repo(std::string_view rest) {
  const std::string path = "/" + std::string(rest);
  const auto segments = http::split_path(path);
  if (segments.size() < 3) {
    return std::nullopt;
  }
  RepoKey repo;
  for (std::size_t i = 1; i < segments.size(); ++i) {
    auto decoded = http::percent_decode(segments[i]);
    if (!decoded || decoded->empty() || decoded->find('/') != std::string::npos) {
      return std::nullopt;
    }
    if (i == 1) {
      repo.kind = std::move(*decoded);
    } else {
      repo.name += (repo.name.empty() ? "" : "/") + *decoded;
    }
  }
  return repo;
}

http::Response serve_records(const PeerRouteDeps& deps, std::string_view rest) {
  const auto repo = records_repo(rest);
  if (!repo) {
    return error(404, "not a repo: /api/mirror/records/{KIND}/{NAME}");
  }
  std::error_code ec;
  if (!std::filesystem::exists(deps.manifest_key_file, ec)) {
    return error(404, "this mirror has not signed anything yet");
  }
  auto key = SigningKey::load_or_create(deps.manifest_key_file);
  if (!key) {
    return error(503, "the manifest key cannot be read");
  }
  auto records = replica::export_records(*deps.catalog, *repo, *key);
  if (!records) {
    const ErrorCode code = records.error().code;
    const int status = code == ErrorCode::kNotFound       ? 404
                       : code == ErrorCode::kInvalidInput ? 404
                                                          : 503;
    return error(status, records.error().message);
  }
  return http::json_response(200, records_answer(*repo, *records));
}

}  // namespace

http::Route make_peer_routes(PeerRouteDeps deps) {
  return [deps = std::move(deps)](const http::Request& request) -> std::optional<http::Response> {
    const std::string_view path = request.path;
    if (!path.starts_with(kPrefix)) {
      return std::nullopt;
    }
    const std::string_view rest = path.substr(kPrefix.size());
    const bool blob = rest.starts_with("blobs/");
    if (!blob && rest != "repos" && !rest.starts_with("records/")) {
      return std::nullopt;  // /api/mirror/manifest-key and others are not these routes'
    }
    if (request.method != "GET" && request.method != "HEAD") {
      return error(405, "method not allowed");
    }
    if (blob) {
      return serve_blob(deps, request, rest.substr(6));
    }
    if (rest == "repos") {
      return serve_repos(deps);
    }
    return serve_records(deps, rest);
  };
}

}  // namespace mirrord::peers
