#include "cli/api_objects.hpp"

namespace mirrord::cli {
namespace {

const nlohmann::json* field(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) {
    return nullptr;
  }
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

}  // namespace

std::string string_field(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* value = field(object, key);
  return value != nullptr && value->is_string() ? value->get<std::string>() : std::string();
}

std::uint64_t count_field(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* value = field(object, key);
  if (value == nullptr || !value->is_number_integer()) {
    return 0;
  }
  return value->is_number_unsigned()
             ? value->get<std::uint64_t>()
             : static_cast<std::uint64_t>(std::max<std::int64_t>(0, value->get<std::int64_t>()));
}

std::int64_t integer_field(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* value = field(object, key);
  return value != nullptr && value->is_number_integer() ? value->get<std::int64_t>() : 0;
}

Job job_from_json(const nlohmann::json& object) {
  Job job;
  job.id = integer_field(object, "id");
  job.target = string_field(object, "target");
  job.key = string_field(object, "key");
  job.state = string_field(object, "state");
  job.created_at = integer_field(object, "created_at");
  job.updated_at = integer_field(object, "updated_at");
  job.files_total = count_field(object, "files_total");
  job.files_done = count_field(object, "files_done");
  job.bytes_total = count_field(object, "bytes_total");
  job.bytes_done = count_field(object, "bytes_done");
  job.commit = string_field(object, "commit");
  job.error = string_field(object, "error");
  return job;
}

Repo repo_from_json(const nlohmann::json& object) {
  Repo repo;
  repo.kind = string_field(object, "kind");
  repo.repo = string_field(object, "repo");
  repo.ref = string_field(object, "ref");
  repo.commit = string_field(object, "commit");
  repo.files = count_field(object, "files");
  repo.bytes = count_field(object, "bytes");
  repo.published_at = integer_field(object, "published_at");
  repo.state = string_field(object, "state");
  repo.pinned =
      object.contains("pinned") && object["pinned"].is_boolean() && object["pinned"].get<bool>();
  return repo;
}

bool is_final_state(std::string_view state) {
  return state != "queued" && state != "running";
}

}  // namespace mirrord::cli
