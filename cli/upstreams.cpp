#include "cli/upstreams.hpp"

#include <chrono>
#include <cstdio>

#include "cli/admin_client.hpp"
#include "cli/exit_codes.hpp"
#include "cli/failure_report.hpp"
#include "cli/format.hpp"

namespace mirrord::cli {
namespace {

std::uint64_t count_of(const nlohmann::json& object, const char* key) {
  const bool counted = object.contains(key) && object[key].is_number_integer() &&
                       object[key].get<std::int64_t>() >= 0;
  return counted ? object[key].get<std::uint64_t>() : 0;
}

std::int64_t time_of(const nlohmann::json& object, const char* key) {
  return object.contains(key) && object[key].is_number_integer() ? object[key].get<std::int64_t>()
                                                                 : 0;
}

std::string text_of(const nlohmann::json& object, const char* key) {
  return object.contains(key) && object[key].is_string() ? object[key].get<std::string>() : "";
}

// "12.3 ms"; "-" before the first success.
std::string latency_text(const nlohmann::json& upstream) {
  if (!upstream.contains("latency_ms") || !upstream["latency_ms"].is_number()) {
    return "-";
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.1f ms", upstream["latency_ms"].get<double>());
  return text;
}

// "3m05s ago"; "never" for 0.
std::string ago(std::int64_t at, std::int64_t now) {
  return at == 0 ? "never" : human_duration(static_cast<double>(now - at)) + " ago";
}

// The state in one word: ok, failing (its latest request failed), or unused.
std::string state_of(const nlohmann::json& upstream) {
  if (count_of(upstream, "consecutive_failures") > 0) {
    return "failing";
  }
  return count_of(upstream, "requests") == 0 ? "unused" : "ok";
}

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string upstreams_text(const nlohmann::json& body, std::int64_t now) {
  const nlohmann::json upstreams = body.value("upstreams", nlohmann::json::array());
  if (!upstreams.is_array() || upstreams.empty()) {
    return "no upstream contacted since mirrord started\n";
  }
  std::vector<std::vector<std::string>> rows;
  std::string errors;
  for (const nlohmann::json& upstream : upstreams) {
    const std::string base = text_of(upstream, "base");
    rows.push_back({base, state_of(upstream), std::to_string(count_of(upstream, "requests")),
                    std::to_string(count_of(upstream, "failures")),
                    std::to_string(count_of(upstream, "consecutive_failures")),
                    latency_text(upstream), ago(time_of(upstream, "last_success_at"), now),
                    ago(time_of(upstream, "last_error_at"), now)});
    if (const std::string error = text_of(upstream, "last_error"); !error.empty()) {
      errors += "  " + base + ": " + error + "\n";
    }
  }
  std::string text = render_table({{"UPSTREAM"},
                                   {"STATE"},
                                   {"REQUESTS", true},
                                   {"FAILURES", true},
                                   {"IN A ROW", true},
                                   {"LATENCY", true},
                                   {"LAST SUCCESS"},
                                   {"LAST ERROR"}},
                                  rows);
  return errors.empty() ? text : text + "last errors:\n" + errors;
}

int run_upstreams_command(const Invocation& invocation) {
  const Console& console = invocation.console;
  if (!invocation.arguments.operands.empty()) {
    return usage_error(console, "upstreams takes no operands");
  }
  AdminClient client(invocation.socket_path);
  const AdminResponse response = client.get("/v1/upstreams");
  if (auto failed = report_unless_ok(response, invocation.socket_path, console.err)) {
    return *failed;
  }
  console.out << (invocation.arguments.json ? response.body.dump(2) + "\n"
                                            : upstreams_text(response.body, now_seconds()));
  return kExitOk;
}

}  // namespace mirrord::cli
