#include "daemon/git/git_ecosystem.hpp"

#include "daemon/git/git_handles.hpp"
#include "daemon/git/git_pull.hpp"
#include "daemon/git/git_routes.hpp"

namespace mirrord {
namespace {

// libgit2's process-wide settings: the [upstream] CA bundle and our user agent.
void configure_libgit2(const Config& config) {
  git::git_init_once();
  if (!config.ca_bundle.empty()) {
    git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, config.ca_bundle.c_str(), nullptr);
  }
  git_libgit2_opts(GIT_OPT_SET_USER_AGENT, "mirrord/" MIRRORD_VERSION);
}

}  // namespace

Ecosystem make_git_ecosystem(std::shared_ptr<const EcosystemContext> context) {
  configure_libgit2(context->config);
  // The shared fetcher carries no credentials: LFS servers never see the Hugging Face token.
  std::shared_ptr<Fetcher> lfs_fetcher = context->fetcher;
  Ecosystem git;
  git.source = "git";
  git.make_pull_work = [context, lfs_fetcher](const Policy& policy) -> JobWork {
    return [context, lfs_fetcher, policy](JobContext& job) {
      const GitPullDeps deps{*context->catalog, *context->store, *lfs_fetcher,
                             context->config.storage_root};
      return run_git_pull(policy, deps, job);
    };
  };
  git.routes = make_git_routes(context->catalog, context->store,
                               GitRoutesOptions{context->public_url, context->config.storage_root});
  return git;
}

}  // namespace mirrord
