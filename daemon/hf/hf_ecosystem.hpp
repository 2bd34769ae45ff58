// The Hugging Face ecosystem: pulls through HfSource, serving through the HF routes.
#pragma once

#include <memory>

#include "daemon/ecosystem.hpp"

namespace mirrord {

Ecosystem make_hf_ecosystem(std::shared_ptr<const EcosystemContext> context);

}  // namespace mirrord
