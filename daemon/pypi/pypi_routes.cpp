#include "daemon/pypi/pypi_routes.hpp"

#include "daemon/http/blob_response.hpp"
#include "daemon/pypi/pypi_catalog.hpp"
#include "daemon/pypi/pypi_negotiate.hpp"
#include "daemon/pypi/pypi_render.hpp"
#include "policies/identifiers.hpp"
#include "policies/pypi_names.hpp"

namespace mirrord::pypi {
namespace {

constexpr std::string_view kPrefix = "/pypi/";
constexpr const char* kNegotiated = "Accept";
constexpr const char* kFileCacheControl = "public, max-age=31536000, immutable";

http::Response error(int status, std::string message) {
  return http::text_response(status, std::move(message) + "\n");
}

http::Response redirect(std::string location) {
  http::Response response = http::text_response(301, "moved to " + location + "\n");
  response.headers.set("Location", std::move(location));
  return response;
}

http::Response internal_error(const Error& failure) {
  return error(failure.code == ErrorCode::kNotFound ? 404 : 500, failure.message);
}

std::optional<std::string_view> query_parameter(const http::Request& request, std::string_view name,
                                                std::string& storage) {
  const auto parameters = http::parse_query(request.query);
  if (!parameters) {
    return std::nullopt;
  }
  for (const auto& [key, value] : *parameters) {
    if (key == name) {
      storage = value;
      return std::string_view(storage);
    }
  }
  return std::nullopt;
}

struct PageBodies {
  std::string html;
  std::string json;
};

// A negotiated page: 200 (or 304 for a matching If-None-Match) or 406, always Vary: Accept.
http::Response negotiated(const http::Request& request, const PageBodies& bodies) {
  std::string format_storage;
  const auto format = negotiate_format(request.headers.get("Accept"),
                                       query_parameter(request, "format", format_storage));
  if (!format) {
    http::Response response = error(406,
                                    "acceptable types: application/vnd.pypi.simple.v1+json, "
                                    "application/vnd.pypi.simple.v1+html, text/html");
    response.headers.set("Vary", kNegotiated);
    return response;
  }
  const std::string& body = *format == PageFormat::kJson ? bodies.json : bodies.html;
  const std::string etag = "\"" + sha256_of(body).hex() + "\"";
  http::Response response;
  if (const auto if_none_match = request.headers.get("If-None-Match");
      if_none_match && if_none_match->find(etag) != std::string_view::npos) {
    response.status = 304;
  } else {
    response.status = 200;
    response.body = body;
  }
  response.headers.set("Content-Type", content_type_of(*format));
  response.headers.set("Vary", kNegotiated);
  response.headers.set("ETag", etag);
  response.headers.set("Cache-Control", "no-cache");
  return response;
}

class PypiRoutes {
 public:
  PypiRoutes(std::shared_ptr<Catalog> catalog, std::shared_ptr<BlobStore> store)
      : catalog_(std::move(catalog)), store_(std::move(store)) {}

  std::optional<http::Response> operator()(const http::Request& request) const {
    if (!request.path.starts_with(kPrefix)) {
      return std::nullopt;
    }
    if (request.method != "GET" && request.method != "HEAD") {
      http::Response response = error(405, "method not allowed");
      response.headers.set("Allow", "GET, HEAD");
      return response;
    }
    const std::vector<std::string_view> segments = http::split_path(request.path);
    if (segments.size() < 3 || !policy_name_problem(segments[1]).empty()) {
      return error(404, "no such index");
    }
    const std::string root(segments[1]);
    if (segments[2] == "simple") {
      return simple(request, root, segments);
    }
    if (segments[2] == "files" && segments.size() == 6) {
      return file(request, root, segments[3], segments[4], segments[5]);
    }
    return error(404, "not found");
  }

 private:
  http::Response simple(const http::Request& request, const std::string& root,
                        const std::vector<std::string_view>& segments) const {
    if (segments.size() == 3) {
      return redirect("simple/");
    }
    if (segments.size() == 4 && segments[3].empty()) {
      return index(request, root);
    }
    const std::string_view name = segments[3];
    if (!project_name_problem(name).empty() || segments.size() > 5 ||
        (segments.size() == 5 && !segments[4].empty())) {
      return error(404, "not found");
    }
    const std::string normalized = normalize_project_name(name);
    if (segments.size() == 4) {
      return redirect(normalized + "/");
    }
    if (normalized != name) {
      return redirect("../" + normalized + "/");
    }
    return project(request, root, normalized);
  }

  http::Response index(const http::Request& request, const std::string& root) const {
    auto projects = list_projects(*catalog_, root);
    if (!projects) {
      return internal_error(projects.error());
    }
    if (projects->empty()) {
      return error(404, "no such index: nothing is mirrored under " + root);
    }
    return negotiated(request, {render_index_html(*projects), render_index_json(*projects)});
  }

  http::Response project(const http::Request& request, const std::string& root,
                         const std::string& name) const {
    auto found = load_current_state(*catalog_, project_repo(root, name));
    if (!found) {
      return internal_error(found.error());
    }
    if (!*found) {
      return error(404, "project " + name + " is not mirrored in " + root);
    }
    const ProjectState& state = (*found)->second;
    return negotiated(request, {render_project_html(state), render_project_json(state)});
  }

  http::Response file(const http::Request& request, const std::string& root,
                      std::string_view project, std::string_view hex,
                      std::string_view raw_filename) const {
    const auto digest = Sha256::from_hex(hex);
    const auto filename = http::percent_decode(raw_filename);
    if (!digest || !filename || !project_name_problem(project).empty()) {
      return error(404, "not found");
    }
    const bool metadata = filename->ends_with(".metadata");
    const std::string distribution =
        metadata ? filename->substr(0, filename->size() - 9) : *filename;
    const RepoKey repo = project_repo(root, project);
    auto commit = catalog_->resolve_ref(repo, kCurrentRef);
    if (!commit || !*commit) {
      return commit ? error(404, "not found") : internal_error(commit.error());
    }
    auto snapshot = catalog_->find_snapshot(repo, **commit);
    if (!snapshot || !*snapshot) {
      return snapshot ? error(404, "not found") : internal_error(snapshot.error());
    }
    // The URL's digest names the distribution; it must be the one the current page lists.
    auto listed = catalog_->find_file((*snapshot)->id, distribution);
    if (!listed || !*listed || (*listed)->sha256 != *digest) {
      return listed ? error(404, "not found") : internal_error(listed.error());
    }
    auto served = metadata ? catalog_->find_file((*snapshot)->id, *filename) : listed;
    if (!served || !*served) {
      return served ? error(404, "no core metadata for this file") : internal_error(served.error());
    }
    return send_blob(request, **served, metadata);
  }

  http::Response send_blob(const http::Request& request, const SnapshotFile& entry,
                           bool metadata) const {
    auto blob = store_->open(entry.sha256);
    if (!blob) {
      return error(503, "the file is recorded but cannot be read: " + blob.error().message);
    }
    http::Headers headers;
    const std::string etag = "\"" + entry.sha256.hex() + "\"";
    headers.set("ETag", etag);
    headers.set("Content-Type",
                metadata ? "text/plain; charset=utf-8" : "application/octet-stream");
    headers.set("Cache-Control", kFileCacheControl);
    auto fd = std::make_shared<UniqueFd>(std::move(blob->fd));
    return http::blob_response(request, std::move(fd), entry.size, std::move(headers), etag);
  }

  std::shared_ptr<Catalog> catalog_;
  std::shared_ptr<BlobStore> store_;
};

}  // namespace

http::Route make_pypi_routes(std::shared_ptr<Catalog> catalog, std::shared_ptr<BlobStore> store) {
  return PypiRoutes(std::move(catalog), std::move(store));
}

}  // namespace mirrord::pypi
