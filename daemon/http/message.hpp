// Plain HTTP request/response values exchanged between the server (Beast, kept inside
// daemon/http/*.cpp) and the route handlers of each ecosystem. No Beast types here, so that the
// slow-to-compile headers stay out of every other translation unit.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/unique_fd.hpp"

namespace mirrord::http {

// Ordered header list with case-insensitive lookup.
class Headers {
 public:
  void add(std::string name, std::string value) {
    items_.emplace_back(std::move(name), std::move(value));
  }
  void set(std::string name, std::string value);  // replaces every header of that name
  void remove(std::string_view name);
  std::optional<std::string_view> get(std::string_view name) const;  // first match
  std::size_t count(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

struct Request {
  std::string method;  // upper case, as received
  std::string target;  // raw request-target, e.g. "/api/models/a/b/tree/main?recursive=true"
  std::string path;    // raw (still percent-encoded) path part of target
  std::string query;   // raw query string without '?', may be empty
  Headers headers;
  std::string body;
  std::string request_id;  // assigned by the server, echoed as X-Request-Id
  std::string peer;        // remote address, for logs
};

// A byte range of an open blob, sent with sendfile by the server.
struct FileBody {
  std::shared_ptr<UniqueFd> fd;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;              // used when `file` is empty
  std::optional<FileBody> file;  // blob body; Content-Length is set by the server from it
  // For HEAD: the Content-Length the GET would have. The server never sends a body for HEAD.
  std::optional<std::uint64_t> head_content_length;
};

using Handler = std::function<Response(const Request&)>;
// A route returns nullopt when the request is not for it, so routes can be chained.
using Route = std::function<std::optional<Response>(const Request&)>;

// Helpers shared by route handlers.
Response json_response(int status, std::string body);
Response text_response(int status, std::string body, std::string content_type = "text/plain");

// Percent-decodes once. Returns nullopt for malformed escapes and for decoded NUL bytes.
std::optional<std::string> percent_decode(std::string_view in);
// Percent-encodes everything but unreserved characters (and '/' when keep_slash).
std::string percent_encode(std::string_view in, bool keep_slash);
// Splits a raw path on '/' without decoding (leading slash skipped; empty segments kept).
std::vector<std::string_view> split_path(std::string_view raw_path);
// Query parameters in order, decoded ('+' as space). Malformed escapes make the whole query fail.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_query(std::string_view q);

}  // namespace mirrord::http
