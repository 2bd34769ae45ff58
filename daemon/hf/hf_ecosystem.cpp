#include "daemon/hf/hf_ecosystem.hpp"

#include "daemon/hf/hf_pull.hpp"
#include "daemon/hf/hf_routes.hpp"
#include "daemon/hf/hf_source.hpp"

namespace mirrord {

Ecosystem make_hf_ecosystem(std::shared_ptr<const EcosystemContext> context) {
  auto source = std::make_shared<HfSource>(context->config.hf_endpoints, context->fetcher);
  HfRoutesOptions options;
  options.public_url = context->public_url;
  Ecosystem hf;
  hf.source = "hf";
  hf.make_pull_work = [context, source](const Policy& policy) -> JobWork {
    return [context, source, target = policy.hf](JobContext& job) {
      HfPullDeps deps{*source, *context->store, *context->catalog,
                      context->config.parallel_files};
      return run_hf_pull(target, deps, job);
    };
  };
  hf.routes = make_hf_routes(context->catalog, context->store, options);
  return hf;
}

}  // namespace mirrord
