// JSON forms of the admin API's objects (docs/admin-api.md, "Objects"), shared by its handlers.
#pragma once

#include <nlohmann/json.hpp>

#include "daemon/http/message.hpp"
#include "storage/catalog.hpp"

namespace mirrord {

nlohmann::json job_json(const JobRecord& job);

// {"error": message} with `status`.
http::Response error_answer(int status, const std::string& message);
// The answer for a failed operation: 404 kNotFound, 400 kInvalidInput, 409 kConflict,
// 503 kCancelled, else 500.
http::Response error_answer(const Error& error);

}  // namespace mirrord
