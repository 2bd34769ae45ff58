#include "daemon/apt/apt_ecosystem.hpp"

#include "daemon/apt/apt_pull.hpp"
#include "daemon/apt/apt_routes.hpp"
#include "daemon/apt/mirror_key.hpp"

namespace mirrord {
namespace {

// Offline, a refused fetch is final: one attempt, so that the cut-off re-sign comes at once.
apt::RetrySettings retry_settings(const Config& config) {
  apt::RetrySettings settings;
  if (config.offline()) {
    settings.attempts = 1;
  }
  return settings;
}

}  // namespace

Ecosystem make_apt_ecosystem(std::shared_ptr<const EcosystemContext> context) {
  auto key =
      std::make_shared<const apt::MirrorKey>(apt::mirror_gnupg_home(context->config.storage_root));
  Ecosystem ecosystem;
  ecosystem.source = "apt";
  ecosystem.make_pull_work = [context, key](const Policy& policy) -> JobWork {
    return [context, key, name = policy.name, target = policy.apt](JobContext& job) {
      const apt::AptPullDeps deps{*context->fetcher,
                                  *context->store,
                                  *context->catalog,
                                  *key,
                                  context->config.storage_root / "apt" / "work",
                                  context->config.parallel_files,
                                  retry_settings(context->config),
                                  apt::unix_now,
                                  context->upstream_health.get()};
      return apt::run_apt_pull(name, target, deps, job);
    };
  };
  ecosystem.routes = make_apt_routes(context->catalog, context->store);
  return ecosystem;
}

}  // namespace mirrord
