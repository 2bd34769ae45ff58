// Error answers of the Hugging Face routes (protocols/hf.md §5).
//
// Each step of an endpoint either yields a value or an HfError; the router turns an HfError into
// the response clients understand: status, X-Error-Code, X-Error-Message, X-Repo-Commit for
// EntryNotFound, a {"error": ...} body for GET/POST and none for HEAD. Availability problems are
// 503 with Retry-After, never 401: huggingface_hub maps 401 to "repo not found" and would stop
// falling back to its cache.
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "daemon/http/message.hpp"
#include "storage/result.hpp"

namespace mirrord::hf {

enum class HfErrorKind {
  kRepoNotFound,      // 404 RepoNotFound
  kRevisionNotFound,  // 404 RevisionNotFound
  kEntryNotFound,     // 404 EntryNotFound + X-Repo-Commit
  kNotFound,          // 404 without an error code (e.g. Xet token endpoints)
  kBadRequest,        // 400
  kMethodNotAllowed,  // 405 + Allow
  kUnavailable,       // 503 + Retry-After (catalog or store failure)
};

struct HfError {
  HfErrorKind kind = HfErrorKind::kUnavailable;
  std::string message;
  std::string commit;  // kEntryNotFound: the commit in which the entry is absent
  std::string allow;   // kMethodNotAllowed: the Allow header value
};

HfError repo_not_found(const std::string& repo);
HfError revision_not_found(const std::string& revision);
HfError entry_not_found(const std::string& path, const std::string& commit);
HfError not_found(std::string message);
HfError bad_request(std::string message);
HfError method_not_allowed(std::string allow);
// A catalog or store failure: the mirror cannot answer now (503), whatever the cause.
HfError unavailable(const Error& cause);

http::Response error_response(const http::Request& request, const HfError& error);

// The value of one step of an endpoint, or the error that ends the request.
template <class T>
class [[nodiscard]] HfResult {
 public:
  HfResult(T value) : state_(std::move(value)) {}        // NOLINT: implicit by design
  HfResult(HfError error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return state_.index() == 0; }
  T& value() { return std::get<0>(state_); }
  const T& value() const { return std::get<0>(state_); }
  const HfError& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, HfError> state_;
};

}  // namespace mirrord::hf
