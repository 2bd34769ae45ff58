#include "daemon/http/access_log.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>

namespace mirrord::http {
namespace {

// Long targets are cut so that one hostile request cannot flood the journal.
constexpr std::size_t kMaxLoggedTarget = 512;
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

void append_log_value(std::string& line, std::string_view value) {
  const bool bare = !value.empty() && std::none_of(value.begin(), value.end(), [](char c) {
    return c <= ' ' || c == '"' || c == '\\' || c == '=' || c == 0x7f;
  });
  if (bare) {
    line.append(value);
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  line += '"';
  for (char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      line.append({'\\', c});
    } else if (byte < 0x20 || byte == 0x7f) {
      line.append({'\\', 'x', kHex[byte >> 4], kHex[byte & 0xF]});
    } else {
      line += c;
    }
  }
  line += '"';
}

bool log_request(const Request& request, int status, std::uint64_t bytes_sent,
                 std::chrono::steady_clock::duration elapsed) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
  std::string line = "<6>http method=";
  line.reserve(160 + std::min(request.target.size(), kMaxLoggedTarget));
  append_log_value(line, request.method);
  line.append(" target=");
  append_log_value(line, std::string_view(request.target).substr(0, kMaxLoggedTarget));
  line.append(" status=").append(std::to_string(status));
  line.append(" bytes=").append(std::to_string(bytes_sent));
  line.append(" ms=").append(std::to_string(ms));
  line.append(" id=");
  append_log_value(line, request.request_id);
  line.append(" peer=");
  append_log_value(line, request.peer);
  line += '\n';
  if (batch.text.size() + line.size() > kMaxBatchBytes) {
    flush_request_log();
  }
  const bool was_empty = batch.text.empty();
  batch.text.append(line);
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
  std::string line = "<3>http error msg=";
  append_log_value(line, what.substr(0, 900));
  line += '\n';
  write_line(line.data(), static_cast<int>(line.size()));
}

}  // namespace mirrord::http
