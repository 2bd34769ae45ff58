// The admin API's objects (docs/admin-api.md) as mirrorctl reads them.
//
// Reading is tolerant: a missing or mistyped field becomes its default, so that a daemon one
// version ahead (with more or renamed fields) still gets a useful display rather than a crash.
// --json output never goes through these structs; it prints what the daemon sent.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mirrord::cli {

struct Job {
  std::int64_t id = 0;
  std::string target;
  std::string key;
  std::string state;  // queued | running | succeeded | failed | interrupted
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::uint64_t files_total = 0;
  std::uint64_t files_done = 0;
  std::uint64_t bytes_total = 0;
  std::uint64_t bytes_done = 0;
  std::string commit;
  std::string error;
};

struct Repo {
  std::string kind;
  std::string repo;
  std::string ref;
  std::string commit;
  std::uint64_t files = 0;
  std::uint64_t bytes = 0;
  std::int64_t published_at = 0;
  std::string state;
  bool pinned = false;
};

Job job_from_json(const nlohmann::json& object);
Repo repo_from_json(const nlohmann::json& object);

// Whether a job in `state` will change no more. Anything but queued/running counts as final, so
// an unknown state from a newer daemon ends the wait instead of polling forever.
bool is_final_state(std::string_view state);

// The string at `key` in `object`, or "" when absent or not a string.
std::string string_field(const nlohmann::json& object, std::string_view key);
// The non-negative integer at `key`, or 0.
std::uint64_t count_field(const nlohmann::json& object, std::string_view key);
// The integer at `key`, or 0.
std::int64_t integer_field(const nlohmann::json& object, std::string_view key);

}  // namespace mirrord::cli
