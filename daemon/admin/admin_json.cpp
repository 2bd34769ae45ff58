#include "daemon/admin/admin_json.hpp"

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

}  // namespace mirrord
