// The endpoint handlers behind make_hf_routes (protocols/hf.md §3). The router has already picked
// the reading of the path whose repo exists and checked the method; each handler resolves the
// revision, asks the catalog, and renders the answer (or the §5 error).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "daemon/hf/hf_routes.hpp"
#include "daemon/hf/hf_serve_catalog.hpp"
#include "daemon/hf/hf_serve_errors.hpp"
#include "daemon/hf/hf_serve_path.hpp"
#include "daemon/http/message.hpp"
#include "storage/blob_store.hpp"

namespace mirrord::hf {

struct HfServeContext {
  HfCatalogView catalog;
  std::shared_ptr<BlobStore> store;
  HfRoutesOptions options;
};

// E1: GET /api/{t}s/{repo} and .../revision/{rev} (?blobs=true adds sizes and ids).
http::Response serve_repo_info(const HfServeContext& ctx, const http::Request& request,
                               const HfReading& reading);
// E2: GET /api/{t}s/{repo}/tree/{rev}[/{path}] (?recursive, paged with an absolute Link).
http::Response serve_tree(const HfServeContext& ctx, const http::Request& request,
                          const HfReading& reading);
// E3: POST /api/{t}s/{repo}/paths-info/{rev} (form or JSON body).
http::Response serve_paths_info(const HfServeContext& ctx, const http::Request& request,
                                const HfReading& reading);
// E4/E5: HEAD/GET /[{t}s/]{repo}/resolve/{rev}/{path}, answered directly (shape A, §4.2).
http::Response serve_resolve(const HfServeContext& ctx, const http::Request& request,
                             const HfReading& reading);
// E6: GET /api/{t}s/{repo}/refs.
http::Response serve_refs(const HfServeContext& ctx, const http::Request& request,
                          const HfReading& reading);

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// The request's query parameters, or 400 when the query is malformed.
HfResult<QueryParams> request_query(const http::Request& request);
// The last value of `name`, or nullopt.
std::optional<std::string> query_value(const QueryParams& params, const std::string& name);
// A boolean parameter as clients send it ("true"/"1", any case); absent means `fallback`.
bool query_flag(const QueryParams& params, const std::string& name, bool fallback);

// "models", "datasets", ... for a repo kind.
std::string plural_of_kind(const std::string& kind);

}  // namespace mirrord::hf
