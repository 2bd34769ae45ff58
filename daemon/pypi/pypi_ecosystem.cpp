#include "daemon/pypi/pypi_ecosystem.hpp"

#include <filesystem>

#include "daemon/pypi/pypi_pull.hpp"
#include "daemon/pypi/pypi_routes.hpp"

namespace mirrord {
namespace {

// Staging files belong to downloads of a previous process (a pull never resumes them): at start-up,
// before any pull runs, they are only disk space.
void clean_staging(const std::filesystem::path& dir) {
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".part") {
      std::error_code ignored;
      std::filesystem::remove(it->path(), ignored);
    }
  }
}

}  // namespace

Ecosystem make_pypi_ecosystem(std::shared_ptr<const EcosystemContext> context) {
  clean_staging(context->config.storage_root / "pypi" / "staging");
  std::shared_ptr<Fetcher> fetcher = context->fetcher;
  auto locks = std::make_shared<pypi::ProjectLocks>();
  Ecosystem pypi;
  pypi.source = "pypi";
  pypi.make_pull_work = [context, fetcher, locks](const Policy& policy) -> JobWork {
    return [context, fetcher, locks, target = policy.pypi,
            root = policy.pypi.root_name(policy.name)](JobContext& job) {
      const pypi::PullDeps deps{*context->catalog,
                                *context->store,
                                *fetcher,
                                *locks,
                                context->config.storage_root / "pypi",
                                context->config.pypi_index,
                                context->config.parallel_files,
                                {},
                                context->config.pypi_extra_indexes,
                                context->upstream_health.get()};
      return pypi::run_pypi_pull(target, root, deps, job);
    };
  };
  pypi.routes = pypi::make_pypi_routes(context->catalog, context->store);
  return pypi;
}

}  // namespace mirrord
