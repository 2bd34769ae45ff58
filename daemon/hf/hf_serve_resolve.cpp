// E4/E5: HEAD and GET on resolve, answered directly with the blob (protocols/hf.md §4.2 shape A).
//
// The answer is built from catalog metadata only: one lookup of (snapshot, path), never a scan of
// the file list and never a hash of the bytes. The bytes come from the store by digest; the
// request path is never joined onto a directory (ARCHITECTURE.md invariant 6).
#include <memory>
#include <string_view>

#include "daemon/hf/hf_serve_handlers.hpp"
#include "daemon/http/blob_response.hpp"

namespace mirrord::hf {
namespace {

constexpr const char* kImmutable = "public, max-age=31536000, immutable";

std::string content_type_for(std::string_view path) {
  const std::size_t dot = path.rfind('.');
  const std::size_t slash = path.rfind('/');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) {
    return "application/octet-stream";
  }
  const std::string_view extension = path.substr(dot + 1);
  if (extension == "json") {
    return "application/json";
  }
  if (extension == "txt" || extension == "md" || extension == "jinja") {
    return "text/plain";
  }
  return "application/octet-stream";
}

// The unquoted ETag of a file: the git blob id for regular files, the sha256 for LFS files.
std::string etag_of(const SnapshotFile& file) {
  return file.lfs ? file.sha256.hex() : file.git_oid.hex();
}

http::Headers file_headers(const SnapshotFile& file, const ResolvedRevision& revision,
                           const std::string& quoted_etag) {
  http::Headers headers;
  headers.set("ETag", quoted_etag);
  headers.set("X-Repo-Commit", revision.snapshot->commit);
  if (file.lfs) {
    headers.set("X-Linked-Etag", quoted_etag);
    headers.set("X-Linked-Size", std::to_string(file.size));
  }
  headers.set("Content-Type", content_type_for(file.path));
  headers.set("Cache-Control", revision.pinned ? kImmutable : "no-cache");
  return headers;
}

}  // namespace

http::Response serve_resolve(const HfServeContext& ctx, const http::Request& request,
                             const HfReading& reading) {
  auto revision = ctx.catalog.resolve_prefix(reading.repo, reading.tail);
  if (!revision.ok()) {
    return error_response(request, revision.error());
  }
  const ResolvedRevision& resolved = revision.value().revision;
  const std::string path =
      join_segments(reading.tail, revision.value().consumed, reading.tail.size());
  if (!is_safe_repo_path(path)) {
    return error_response(request, bad_request("Invalid file path"));
  }
  auto file = ctx.catalog.find_file(resolved.snapshot->id, path);
  if (!file.ok()) {
    return error_response(request, file.error());
  }
  if (!file.value()) {
    return error_response(request, entry_not_found(path, resolved.snapshot->commit));
  }
  const SnapshotFile& entry = *file.value();
  auto blob = ctx.catalog.open_blob(*ctx.store, entry.sha256);
  if (!blob.ok()) {
    return error_response(request, blob.error());
  }
  const std::string quoted_etag = "\"" + etag_of(entry) + "\"";
  return http::blob_response(request, std::move(blob.value().fd), entry.size,
                             file_headers(entry, resolved, quoted_etag), quoted_etag);
}

}  // namespace mirrord::hf
