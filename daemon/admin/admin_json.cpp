#include "daemon/admin/admin_json.hpp"

#include "storage/utf8.hpp"

namespace mirrord {

nlohmann::json job_json(const JobRecord& job) {
  return nlohmann::json{{"id", job.id},
                        {"target", job.target},
                        {"key", job.key},
                        {"state", to_string(job.state)},
                        {"created_at", job.created_at},
                        {"updated_at", job.updated_at},
                        {"files_total", job.files_total},
                        {"files_done", job.files_done},
                        {"bytes_total", job.bytes_total},
                        {"bytes_done", job.bytes_done},
                        {"commit", job.commit},
                        {"error", job.error}};
}

http::Response error_answer(int status, const std::string& message) {
  return http::json_response(status, nlohmann::json{{"error", valid_utf8(message)}}.dump());
}

http::Response error_answer(const Error& error) {
  switch (error.code) {
    case ErrorCode::kNotFound:
      return error_answer(404, error.message);
    case ErrorCode::kInvalidInput:
      return error_answer(400, error.message);
    case ErrorCode::kConflict:
      return error_answer(409, error.message);
    case ErrorCode::kCancelled:
      return error_answer(503, error.message);
    default:
      return error_answer(500, error.message);
  }
}

}  // namespace mirrord
