// The apt ecosystem: pulls of `source = "apt"` policies (apt_pull.hpp) and the /apt/ routes.
#pragma once

#include <memory>

#include "daemon/ecosystem.hpp"

namespace mirrord {

Ecosystem make_apt_ecosystem(std::shared_ptr<const EcosystemContext> context);

}  // namespace mirrord
