// The PyPI ecosystem: pulls of `source = "pypi"` policies and ad-hoc "pypi:" targets through
// run_pypi_pull, serving through the /pypi/ routes.
#pragma once

#include <memory>

#include "daemon/ecosystem.hpp"

namespace mirrord {

Ecosystem make_pypi_ecosystem(std::shared_ptr<const EcosystemContext> context);

}  // namespace mirrord
