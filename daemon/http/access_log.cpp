#include "daemon/http/access_log.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>

namespace mirrord::http {
namespace {

// Long targets are cut so that one hostile request cannot flood the journal.
constexpr int kMaxLoggedTarget = 512;
// Writes of at most PIPE_BUF bytes are atomic on a pipe: lines never interleave.
constexpr std::size_t kMaxBatchBytes = 4096;

void write_line(const char* text, int length) {
  if (length <= 0)
    return;
  auto size = static_cast<std::size_t>(length);
  // A failed log write has nowhere better to be reported; the request is unaffected.
  [[maybe_unused]] ssize_t written = ::write(STDERR_FILENO, text, size);
}

// A thread's pending request lines; whatever is left is written when the thread ends.
struct Batch {
  std::string text;
  ~Batch() { write_line(text.data(), static_cast<int>(text.size())); }
};
thread_local Batch batch;

}  // namespace

bool log_request(const Request& request, int status, std::uint64_t bytes_sent,
                 std::chrono::steady_clock::duration elapsed) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
  char line[1024];
  int n = std::snprintf(line, sizeof line, "http %s %.*s %d %lluB %lldms id=%s peer=%s\n",
                        request.method.c_str(), kMaxLoggedTarget, request.target.c_str(), status,
                        static_cast<unsigned long long>(bytes_sent), static_cast<long long>(ms),
                        request.request_id.c_str(), request.peer.c_str());
  const auto length = static_cast<std::size_t>(std::clamp(n, 0, int{sizeof line} - 1));
  if (batch.text.size() + length > kMaxBatchBytes) {
    flush_request_log();
  }
  const bool was_empty = batch.text.empty();
  batch.text.append(line, length);
  return was_empty;
}

void flush_request_log() {
  if (batch.text.empty())
    return;
  write_line(batch.text.data(), static_cast<int>(batch.text.size()));
  batch.text.clear();
}

void log_server_error(std::string_view what) {
  flush_request_log();  // keeps this thread's lines in order
  std::string line = "http error: ";
  line.append(what.substr(0, 900)).append("\n");
  write_line(line.data(), static_cast<int>(line.size()));
}

}  // namespace mirrord::http
