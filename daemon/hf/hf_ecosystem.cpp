#include "daemon/hf/hf_ecosystem.hpp"

#include "daemon/hf/hf_offline_answers.hpp"
#include "daemon/hf/hf_pull.hpp"
#include "daemon/hf/hf_routes.hpp"
#include "daemon/hf/hf_serve_manifest.hpp"
#include "daemon/hf/hf_source.hpp"
#include "daemon/trust/mirror_keys.hpp"

namespace mirrord {

Ecosystem make_hf_ecosystem(std::shared_ptr<const EcosystemContext> context) {
  auto source = std::make_shared<HfSource>(context->config.hf_endpoints, context->hf_fetcher);
  source->set_modelscope_endpoints(context->config.modelscope_endpoints);
  source->set_upstream_health(context->upstream_health);
  HfRoutesOptions options;
  options.public_url = context->public_url;
  Ecosystem hf;
  hf.source = "hf";
  hf.make_pull_work = [context, source](const Policy& policy) -> JobWork {
    return [context, source, target = policy.hf](JobContext& job) {
      HfPullDeps deps{*source, *context->store, *context->catalog, context->config.parallel_files,
                      manifest_key_path(context->config)};
      return run_hf_pull(target, deps, job);
    };
  };
  // The manifest routes first: the HF routes answer every other /api/models/... path.
  auto manifests = make_hf_manifest_route(context->catalog, manifest_key_path(context->config));
  auto routes = make_hf_routes(context->catalog, context->store, options);
  hf.routes = [manifests, routes](const http::Request& request) -> std::optional<http::Response> {
    if (auto answer = manifests(request)) {
      return answer;
    }
    return routes(request);
  };
  if (context->config.offline()) {
    hf.routes = hf::unknown_is_unavailable(std::move(hf.routes));
  }
  return hf;
}

}  // namespace mirrord
