// The list of ecosystems the daemon serves. Order matters for routing: ecosystems with a fixed
// path prefix (/pypi/, /apt/, /git/) come before Hugging Face, whose /{org}/{name}/... forms would
// otherwise claim their paths.
#include "daemon/apt/apt_ecosystem.hpp"
#include "daemon/ecosystem.hpp"
#include "daemon/git/git_ecosystem.hpp"
#include "daemon/hf/hf_ecosystem.hpp"
#include "daemon/pypi/pypi_ecosystem.hpp"

namespace mirrord {

std::vector<Ecosystem> make_ecosystems(std::shared_ptr<const EcosystemContext> context) {
  std::vector<Ecosystem> ecosystems;
  ecosystems.push_back(make_git_ecosystem(context));
  ecosystems.push_back(make_pypi_ecosystem(context));
  ecosystems.push_back(make_apt_ecosystem(context));
  ecosystems.push_back(make_hf_ecosystem(context));
  return ecosystems;
}

}  // namespace mirrord
