// `mirrorctl gc [--dry-run]` and the schedules table of `mirrorctl status`.
#include <sstream>

#include "cli/admin_client.hpp"
#include "cli/exit_codes.hpp"
#include "cli/format.hpp"
#include "cli/operations.hpp"

namespace mirrord::cli {
namespace {

std::uint64_t count_field(const nlohmann::json& body, const char* key) {
  return body.contains(key) && body[key].is_number_unsigned() ? body[key].get<std::uint64_t>() : 0;
}

std::int64_t time_field(const nlohmann::json& body, const char* key) {
  return body.contains(key) && body[key].is_number_integer() ? body[key].get<std::int64_t>() : 0;
}

std::string text_field(const nlohmann::json& body, const char* key) {
  return body.contains(key) && body[key].is_string() ? body[key].get<std::string>() : "";
}

}  // namespace

std::string gc_text(const nlohmann::json& body) {
  const bool dry_run = body.value("dry_run", false);
  std::ostringstream out;
  const nlohmann::json unpublished = body.value("unpublished", nlohmann::json::array());
  for (const nlohmann::json& snapshot : unpublished) {
    out << (dry_run ? "would unpublish " : "unpublished ") << text_field(snapshot, "kind") << " "
        << text_field(snapshot, "repo") << " @ " << short_commit(text_field(snapshot, "commit"))
        << '\n';
  }
  const std::uint64_t blobs = count_field(body, "blob_count");
  out << (dry_run ? "would free " : "freed ") << blobs << (blobs == 1 ? " blob, " : " blobs, ")
      << human_bytes(count_field(body, "bytes")) << " (" << count_field(body, "bytes") << " bytes)"
      << (dry_run ? "; nothing was removed (--dry-run)" : "") << '\n';
  for (const nlohmann::json& error : body.value("errors", nlohmann::json::array())) {
    if (error.is_string()) {
      out << "could not remove " << error.get<std::string>() << '\n';
    }
  }
  return out.str();
}

std::string schedules_text(const nlohmann::json& schedules) {
  if (!schedules.is_array() || schedules.empty()) {
    return "";
  }
  std::vector<std::vector<std::string>> rows;
  for (const nlohmann::json& schedule : schedules) {
    const std::int64_t last = time_field(schedule, "last_run_at");
    rows.push_back({text_field(schedule, "target"), text_field(schedule, "schedule"),
                    last == 0 ? "never" : utc_minute(last),
                    utc_minute(time_field(schedule, "next_run_at"))});
  }
  return render_table({{"TARGET"}, {"SCHEDULE"}, {"LAST RUN (UTC)"}, {"NEXT RUN (UTC)"}}, rows);
}

int run_gc_command(const Invocation& invocation) {
  const Console& console = invocation.console;
  if (!invocation.arguments.operands.empty()) {
    console.err << "error: gc takes no operands (only --dry-run and --json)\n";
    return kExitUsage;
  }
  AdminClient client(invocation.socket_path);
  const AdminResponse response = client.post("/v1/gc", {{"dry_run", invocation.arguments.dry_run}});
  if (!response.reached) {
    console.err << unreachable_message(invocation.socket_path, response.failure) << '\n';
    return kExitUnreachable;
  }
  if (!response.ok()) {
    console.err << "error: " << describe_failure(response) << '\n';
    return kExitFailed;
  }
  console.out << (invocation.arguments.json ? response.body.dump(2) + "\n"
                                            : gc_text(response.body));
  return response.body.value("errors", nlohmann::json::array()).empty() ? kExitOk : kExitFailed;
}

}  // namespace mirrord::cli
