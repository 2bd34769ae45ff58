// AdminClient: HTTP/1.1 over the daemon's admin Unix socket (docs/admin-api.md), with libcurl.
//
// One client holds one curl handle, so the polling of a pull reuses its connection. Not
// thread-safe. Requests are bounded (connect and total timeouts, a cap on the answer's size),
// so a wedged daemon cannot hang mirrorctl forever.
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mirrord::cli {

struct AdminResponse {
  bool reached = false;  // false: no HTTP answer came back; `failure` says why
  std::string failure;   // e.g. "No such file or directory"
  long status = 0;       // HTTP status when reached
  nlohmann::json body;   // the parsed answer; null when it was empty or not JSON
  std::string raw_body;

  bool ok() const { return reached && status >= 200 && status < 300 && body.is_object(); }
};

// What went wrong with an answer that is not ok(), in one line: the daemon's "error" text when
// it sent one, otherwise the HTTP status and the start of the body.
std::string describe_failure(const AdminResponse& response);

// Percent-encodes a query value (everything but unreserved characters): "?target=" +
// query_escape(t).
std::string query_escape(std::string_view text);

// "cannot reach mirrord at SOCKET: WHY; is it running? (see README)"
std::string unreachable_message(const std::string& socket_path, const std::string& why);

// For an answer that is not ok(): writes why to `err` and gives the exit code (kExitUnreachable
// when mirrord did not answer, else kExitFailed); nullopt for an ok() answer.
std::optional<int> report_unless_ok(const AdminResponse& response, const std::string& socket_path,
                                    std::ostream& err);

class AdminClient {
 public:
  explicit AdminClient(std::string socket_path);
  ~AdminClient();
  AdminClient(const AdminClient&) = delete;
  AdminClient& operator=(const AdminClient&) = delete;

  // `path` is the request target, e.g. "/v1/status".
  AdminResponse get(std::string_view path);
  AdminResponse post(std::string_view path, const nlohmann::json& body);

  const std::string& socket_path() const { return socket_path_; }

 private:
  struct CurlHandle;
  AdminResponse perform(std::string_view path, const std::string* post_body);

  std::string socket_path_;
  std::unique_ptr<CurlHandle> curl_;
};

}  // namespace mirrord::cli
