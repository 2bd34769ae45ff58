// make_hf_routes: reads the path, picks the repo reading that exists, checks the method, and hands
// the request to its endpoint (hf_serve_*.cpp). OPTIONS is left to the server wrapper, which
// answers CORS preflights for every ecosystem.
#include "daemon/hf/hf_routes.hpp"

#include <nlohmann/json.hpp>

#include "daemon/catalog_generation.hpp"
#include "daemon/hf/hf_serve_handlers.hpp"
#include "daemon/hf/hf_serve_json.hpp"

namespace mirrord {
namespace {

using hf::HfEndpoint;
using hf::HfPathKind;

constexpr const char* kReadMethods = "GET, HEAD";

const char* allowed_methods(HfEndpoint endpoint) {
  return endpoint == HfEndpoint::kPathsInfo ? "POST" : kReadMethods;
}

bool is_read(const std::string& method) {
  return method == "GET" || method == "HEAD";
}

bool method_fits(const std::string& method, HfEndpoint endpoint) {
  return endpoint == HfEndpoint::kPathsInfo ? method == "POST" : is_read(method);
}

// The preferred reading whose repo the catalog knows, or RepoNotFound for the preferred one.
hf::HfResult<const hf::HfReading*> pick_reading(const hf::HfCatalogView& catalog,
                                                const std::vector<hf::HfReading>& readings) {
  for (const hf::HfReading& reading : readings) {
    auto exists = catalog.repo_exists(reading.repo);
    if (!exists.ok()) {
      return exists.error();
    }
    if (exists.value()) {
      return &reading;
    }
  }
  return hf::repo_not_found(readings.front().repo.name);
}

http::Response serve_endpoint(const hf::HfServeContext& ctx, const http::Request& request,
                              const hf::HfReading& reading) {
  switch (reading.endpoint) {
    case HfEndpoint::kRepoInfo:
    case HfEndpoint::kRevisionInfo:
      return hf::serve_repo_info(ctx, request, reading);
    case HfEndpoint::kTree:
      return hf::serve_tree(ctx, request, reading);
    case HfEndpoint::kPathsInfo:
      return hf::serve_paths_info(ctx, request, reading);
    case HfEndpoint::kRefs:
      return hf::serve_refs(ctx, request, reading);
    case HfEndpoint::kResolve:
      return hf::serve_resolve(ctx, request, reading);
    case HfEndpoint::kXetToken:
      break;
  }
  // Xet is never offered: a working token endpoint would send clients to an upstream CAS.
  return hf::error_response(request, hf::not_found("Xet storage is not available on this mirror"));
}

http::Response serve_repo_request(const hf::HfServeContext& ctx, const http::Request& request,
                                  const std::vector<hf::HfReading>& readings) {
  if (readings.front().endpoint == HfEndpoint::kXetToken) {
    return serve_endpoint(ctx, request, readings.front());
  }
  auto picked = pick_reading(ctx.catalog, readings);
  if (!picked.ok()) {
    return hf::error_response(request, picked.error());
  }
  const hf::HfReading& reading = *picked.value();
  if (reading.endpoint != HfEndpoint::kXetToken && !method_fits(request.method, reading.endpoint)) {
    return hf::error_response(request, hf::method_not_allowed(allowed_methods(reading.endpoint)));
  }
  return serve_endpoint(ctx, request, reading);
}

// Answers that do not depend on the catalog: /api/agent-harnesses and /api/telemetry/...
http::Response serve_side_call(const http::Request& request, HfPathKind kind) {
  if (!is_read(request.method)) {
    return hf::error_response(request, hf::method_not_allowed(kReadMethods));
  }
  if (kind == HfPathKind::kAgentHarnesses) {
    return hf::json_answer(request, nlohmann::json::array());
  }
  http::Response response;  // telemetry: accepted and dropped
  response.status = 200;
  response.head_content_length = 0;
  return response;
}

std::optional<http::Response> route(const hf::HfServeContext& ctx, const http::Request& request) {
  if (request.method == "OPTIONS") {
    return std::nullopt;
  }
  hf::HfPath path = hf::parse_hf_path(request.path);
  switch (path.kind) {
    case HfPathKind::kNotHf:
      return std::nullopt;
    case HfPathKind::kMalformed:
      return hf::error_response(request, hf::bad_request("Malformed percent-encoding in path"));
    case HfPathKind::kUnknownApi:
      return hf::error_response(request, hf::not_found("Unknown API endpoint"));
    case HfPathKind::kAgentHarnesses:
    case HfPathKind::kTelemetry:
      return serve_side_call(request, path.kind);
    case HfPathKind::kRepoRequest:
      break;
  }
  return serve_repo_request(ctx, request, path.readings);
}

}  // namespace

http::Route make_hf_routes(std::shared_ptr<Catalog> catalog, std::shared_ptr<BlobStore> store,
                           HfRoutesOptions options) {
  // A catalog that counts its publishes (the daemon's) lets the routes cache its answers; any
  // other is asked on every request, since nothing would tell the cache that it went stale.
  std::shared_ptr<const CatalogGeneration> generation;
  if (auto counting = std::dynamic_pointer_cast<GenerationCatalog>(catalog)) {
    generation = counting->generation();
  }
  auto ctx = std::make_shared<const hf::HfServeContext>(
      hf::HfServeContext{hf::HfCatalogView(std::move(catalog), std::move(generation)),
                         std::move(store), std::move(options)});
  return [ctx](const http::Request& request) { return route(*ctx, request); };
}

}  // namespace mirrord
