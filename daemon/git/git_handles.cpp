#include "daemon/git/git_handles.hpp"

#include <filesystem>
#include <mutex>

namespace mirrord::git {
namespace {

ErrorCode code_for(int rc, ErrorCode fallback) {
  if (rc == GIT_ENOTFOUND) {
    return ErrorCode::kNotFound;
  }
  if (rc == GIT_EUSER) {
    return ErrorCode::kCancelled;
  }
  const git_error* error = git_error_last();
  if (error != nullptr && (error->klass == GIT_ERROR_NET || error->klass == GIT_ERROR_HTTP ||
                           error->klass == GIT_ERROR_SSL)) {
    return ErrorCode::kUpstreamRetryable;
  }
  return fallback;
}

}  // namespace

void git_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { git_libgit2_init(); });
}

Status git_check(int rc, std::string_view what, ErrorCode fallback) {
  if (rc >= 0) {
    return {};
  }
  const git_error* error = git_error_last();
  std::string message(what);
  message += ": ";
  message += (error != nullptr && error->message != nullptr) ? error->message : "libgit2 error";
  return make_error(code_for(rc, fallback), std::move(message));
}

std::string oid_hex(const git_oid& oid) {
  char hex[GIT_OID_HEXSZ + 1] = {};
  git_oid_tostr(hex, sizeof hex, &oid);
  return hex;
}

Result<git_oid> parse_oid(std::string_view hex) {
  git_oid oid;
  if (hex.size() != GIT_OID_HEXSZ || git_oid_fromstrn(&oid, hex.data(), hex.size()) < 0) {
    return make_error(ErrorCode::kInvalidInput, "not a 40-hex object id: " + std::string(hex));
  }
  return oid;
}

Result<RepositoryHandle> open_bare(const std::string& path) {
  git_init_once();
  git_repository* raw = nullptr;
  MIRRORD_TRY(
      git_check(git_repository_open_bare(&raw, path.c_str()), "open " + path, ErrorCode::kIo));
  return RepositoryHandle(raw);
}

Result<RepositoryHandle> open_or_init_bare(const std::string& path) {
  git_init_once();
  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::path(path) / "HEAD", ec)) {
    return open_bare(path);
  }
  std::filesystem::create_directories(path, ec);
  if (ec) {
    return make_error(ErrorCode::kIo, "cannot create " + path + ": " + ec.message());
  }
  git_repository* raw = nullptr;
  MIRRORD_TRY(git_check(git_repository_init(&raw, path.c_str(), /*is_bare=*/1), "init " + path,
                        ErrorCode::kIo));
  return RepositoryHandle(raw);
}

}  // namespace mirrord::git
