// JSON forms of the admin API's objects (docs/admin-api.md, "Objects"), shared by its handlers.
#pragma once

#include <nlohmann/json.hpp>

#include "storage/catalog.hpp"

namespace mirrord {

nlohmann::json job_json(const JobRecord& job);

}  // namespace mirrord
