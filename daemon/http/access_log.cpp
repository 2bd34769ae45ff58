#include "daemon/http/access_log.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>

namespace mirrord::http {
namespace {

// Long targets are cut so that one hostile request cannot flood the journal.
constexpr int kMaxLoggedTarget = 512;

void write_line(const char* text, int length) {
  if (length <= 0)
    return;
  auto size = static_cast<std::size_t>(length);
  // A failed log write has nowhere better to be reported; the request is unaffected.
  [[maybe_unused]] ssize_t written = ::write(STDERR_FILENO, text, size);
}

}  // namespace

void log_request(const Request& request, int status, std::uint64_t bytes_sent,
                 std::chrono::steady_clock::duration elapsed) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
  char line[1024];
  int n = std::snprintf(line, sizeof line, "http %s %.*s %d %lluB %lldms id=%s peer=%s\n",
                        request.method.c_str(), kMaxLoggedTarget, request.target.c_str(), status,
                        static_cast<unsigned long long>(bytes_sent), static_cast<long long>(ms),
                        request.request_id.c_str(), request.peer.c_str());
  write_line(line, std::min(n, static_cast<int>(sizeof line) - 1));
}

void log_server_error(std::string_view what) {
  std::string line = "http error: ";
  line.append(what.substr(0, 900)).append("\n");
  write_line(line.data(), static_cast<int>(line.size()));
}

}  // namespace mirrord::http
