#include "daemon/hf/hf_serve_errors.hpp"

#include <nlohmann/json.hpp>

#include "daemon/hf/hf_serve_json.hpp"

namespace mirrord::hf {
namespace {

// Seconds a client should wait before asking again after a 503.
constexpr const char* kRetryAfterSeconds = "5";

int status_of(HfErrorKind kind) {
  switch (kind) {
    case HfErrorKind::kRepoNotFound:
    case HfErrorKind::kRevisionNotFound:
    case HfErrorKind::kEntryNotFound:
    case HfErrorKind::kNotFound:
      return 404;
    case HfErrorKind::kBadRequest:
      return 400;
    case HfErrorKind::kMethodNotAllowed:
      return 405;
    case HfErrorKind::kUnavailable:
      return 503;
  }
  return 500;
}

const char* code_of(HfErrorKind kind) {
  switch (kind) {
    case HfErrorKind::kRepoNotFound:
      return "RepoNotFound";
    case HfErrorKind::kRevisionNotFound:
      return "RevisionNotFound";
    case HfErrorKind::kEntryNotFound:
      return "EntryNotFound";
    default:
      return nullptr;
  }
}

// Header values must stay on one line whatever a path or revision contains.
std::string single_line(std::string text) {
  for (char& c : text) {
    if (c == '\r' || c == '\n' || static_cast<unsigned char>(c) < 0x20) {
      c = ' ';
    }
  }
  return text;
}

}  // namespace

HfError repo_not_found(const std::string& repo) {
  return {HfErrorKind::kRepoNotFound, "Repository not found: " + repo, {}, {}};
}

HfError revision_not_found(const std::string& revision) {
  return {HfErrorKind::kRevisionNotFound, "Invalid rev id: " + revision, {}, {}};
}

HfError entry_not_found(const std::string& path, const std::string& commit) {
  return {HfErrorKind::kEntryNotFound, "Entry not found: " + path, commit, {}};
}

HfError not_found(std::string message) {
  return {HfErrorKind::kNotFound, std::move(message), {}, {}};
}

HfError bad_request(std::string message) {
  return {HfErrorKind::kBadRequest, std::move(message), {}, {}};
}

HfError method_not_allowed(std::string allow) {
  return {HfErrorKind::kMethodNotAllowed, "Method not allowed", {}, std::move(allow)};
}

HfError unavailable(const Error& cause) {
  return {HfErrorKind::kUnavailable,
          std::string("Mirror temporarily unable to answer (") + to_string(cause.code) + ")",
          {},
          {}};
}

http::Response error_response(const http::Request& request, const HfError& error) {
  const int status = status_of(error.kind);
  http::Response response;
  if (request.method == "HEAD") {
    response.status = status;
    response.head_content_length = 0;
  } else {
    response = json_answer(request, nlohmann::json{{"error", error.message}}, status);
  }
  if (const char* code = code_of(error.kind)) {
    response.headers.set("X-Error-Code", code);
  }
  response.headers.set("X-Error-Message", single_line(error.message));
  if (!error.commit.empty()) {
    response.headers.set("X-Repo-Commit", error.commit);
  }
  if (error.kind == HfErrorKind::kMethodNotAllowed) {
    response.headers.set("Allow", error.allow);
  }
  if (error.kind == HfErrorKind::kUnavailable) {
    response.headers.set("Retry-After", kRetryAfterSeconds);
  }
  response.headers.set("Cache-Control", "no-cache");
  return response;
}

}  // namespace mirrord::hf
