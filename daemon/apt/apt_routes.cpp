#include "daemon/apt/apt_routes.hpp"

#include <chrono>

#include "daemon/apt/apt_state.hpp"
#include "daemon/apt/release.hpp"
#include "daemon/http/blob_response.hpp"

namespace mirrord {
namespace {

constexpr std::string_view kPrefix = "/apt/";

struct AptRequest {
  std::string policy;
  std::string path;  // decoded, relative to the archive root
};

// nullopt for a malformed path (answered 400); the policy segment must be a policy name.
std::optional<AptRequest> read_request(std::string_view raw_path) {
  const std::string_view rest = raw_path.substr(kPrefix.size());
  const std::size_t slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0) {
    return std::nullopt;
  }
  auto policy = http::percent_decode(rest.substr(0, slash));
  auto path = http::percent_decode(rest.substr(slash + 1));
  if (!policy || !path || !apt::is_safe_relative_path(*policy) ||
      policy->find('/') != std::string::npos || !apt::is_safe_relative_path(*path)) {
    return std::nullopt;
  }
  return AptRequest{std::move(*policy), std::move(*path)};
}

std::string content_type_for(std::string_view path) {
  if (path.ends_with(".deb") || path.ends_with(".udeb")) {
    return "application/vnd.debian.binary-package";
  }
  if (path.ends_with("/InRelease") || path.ends_with("/Release") || path.ends_with("/Packages") ||
      path.ends_with("/Release.gpg")) {
    return "text/plain";
  }
  return "application/octet-stream";
}

// Names whose content can never change: a digest, or a package file (Debian never reuses a
// pool name for other bytes; the catalog refuses it within a snapshot anyway).
bool is_immutable_name(std::string_view path) {
  return path.find("/by-hash/") != std::string_view::npos || !path.starts_with("dists/");
}

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class AptRoutes {
 public:
  AptRoutes(std::shared_ptr<Catalog> catalog, std::shared_ptr<BlobStore> store)
      : catalog_(std::move(catalog)), store_(std::move(store)) {}

  std::optional<http::Response> handle(const http::Request& request) const {
    if (!request.path.starts_with(kPrefix)) {
      return std::nullopt;
    }
    if (request.method != "GET" && request.method != "HEAD") {
      http::Response response = http::text_response(405, "method not allowed\n");
      response.headers.set("Allow", "GET, HEAD");
      return response;
    }
    const auto parsed = read_request(request.path);
    if (!parsed) {
      return http::text_response(400, "bad apt path\n");
    }
    auto file = find(*parsed);
    if (!file) {
      return http::text_response(503, "catalog unavailable: " + file.error().message + "\n");
    }
    if (!*file) {
      return http::text_response(404, "not found: " + parsed->path + "\n");
    }
    return serve(request, **file);
  }

 private:
  Result<std::optional<SnapshotFile>> find(const AptRequest& request) const {
    const RepoKey repo = apt::apt_repo_key(request.policy);
    MIRRORD_TRY_ASSIGN(const auto commit, catalog_->resolve_ref(repo, apt::kCurrentRef));
    if (!commit) {
      return std::optional<SnapshotFile>();
    }
    MIRRORD_TRY_ASSIGN(const auto snapshot, catalog_->find_snapshot(repo, *commit));
    if (!snapshot) {
      return std::optional<SnapshotFile>();
    }
    MIRRORD_TRY_ASSIGN(auto file, catalog_->find_file(snapshot->id, request.path));
    if (file || !is_immutable_name(request.path)) {
      return file;
    }
    MIRRORD_TRY_ASSIGN(const apt::AptRepoState state, apt::state_from_json(snapshot->info_json));
    const std::int64_t now = now_seconds();
    for (const apt::RetainedSnapshot& retained : state.retained) {
      if (retained.until <= now) {
        continue;
      }
      MIRRORD_TRY_ASSIGN(const auto older, catalog_->find_snapshot(repo, retained.commit));
      if (!older) {
        continue;
      }
      MIRRORD_TRY_ASSIGN(file, catalog_->find_file(older->id, request.path));
      if (file) {
        return file;
      }
    }
    return std::optional<SnapshotFile>();
  }

  http::Response serve(const http::Request& request, const SnapshotFile& file) const {
    auto blob = store_->open(file.sha256);
    if (!blob) {
      return http::text_response(503, "blob unavailable: " + blob.error().message + "\n");
    }
    const std::string etag = "\"" + file.sha256.hex() + "\"";
    http::Headers headers;
    headers.set("ETag", etag);
    headers.set("Content-Type", content_type_for(file.path));
    headers.set("Cache-Control",
                is_immutable_name(file.path) ? "public, max-age=86400" : "no-cache");
    auto fd = std::make_shared<UniqueFd>(std::move(blob->fd));
    return http::blob_response(request, std::move(fd), file.size, std::move(headers), etag);
  }

  std::shared_ptr<Catalog> catalog_;
  std::shared_ptr<BlobStore> store_;
};

}  // namespace

http::Route make_apt_routes(std::shared_ptr<Catalog> catalog, std::shared_ptr<BlobStore> store) {
  auto routes = std::make_shared<AptRoutes>(std::move(catalog), std::move(store));
  return [routes](const http::Request& request) { return routes->handle(request); };
}

}  // namespace mirrord
