#include "daemon/git/git_routes.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/git/git_catalog.hpp"
#include "daemon/git/git_hf_repo.hpp"
#include "daemon/git/git_lfs_batch.hpp"
#include "daemon/git/git_pull.hpp"
#include "daemon/git/git_route_path.hpp"
#include "daemon/http/blob_response.hpp"

namespace mirrord {
namespace {

using git::GitFile;
using git::GitPath;

constexpr std::size_t kMaxIndexFileBytes = 64ull << 20;  // info/refs of a huge mirror, at most

struct GitServeContext {
  std::shared_ptr<Catalog> catalog;
  std::shared_ptr<BlobStore> store;
  GitRoutesOptions options;
  std::unique_ptr<git::HfGitRepos> hf_repos;
};

http::Response plain(int status, std::string text) {
  http::Response response =
      http::text_response(status, std::move(text) + "\n", "text/plain; charset=utf-8");
  response.headers.set("Cache-Control", "no-cache");
  return response;
}

bool is_read(const http::Request& request) {
  return request.method == "GET" || request.method == "HEAD";
}

std::filesystem::path repo_directory(const GitServeContext& ctx, const RepoKey& repo) {
  if (repo.kind == git::kGitRepoKind) {
    return git_mirror_directory(ctx.options.storage_root, repo.name);
  }
  return ctx.hf_repos->directory(repo);
}

// Opens a regular file without following a symlink at its last component.
std::optional<std::pair<UniqueFd, std::uint64_t>> open_regular(const std::filesystem::path& p) {
  UniqueFd fd(::open(p.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  struct stat st {};
  if (!fd.valid() || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return std::nullopt;
  }
  return std::make_pair(std::move(fd), static_cast<std::uint64_t>(st.st_size));
}

// info/refs, HEAD, objects/info/packs: small, rewritten by every sync, never cached.
http::Response serve_index_file(const std::filesystem::path& path) {
  auto file = open_regular(path);
  if (!file || file->second > kMaxIndexFileBytes) {
    return plain(404, "not found");
  }
  std::string text(file->second, '\0');
  const ssize_t n = ::pread(file->first.get(), text.data(), text.size(), 0);
  if (n < 0) {
    return plain(500, "cannot read " + path.filename().string());
  }
  text.resize(static_cast<std::size_t>(n));
  http::Response response = http::text_response(200, std::move(text), "text/plain; charset=utf-8");
  response.headers.set("Cache-Control", "no-cache");
  return response;
}

// Packs, pack indexes and loose objects: immutable by name.
http::Response serve_object_file(const http::Request& request, const std::filesystem::path& path,
                                 const std::string& content_type, const std::string& name) {
  auto file = open_regular(path);
  if (!file) {
    return plain(404, "not found");
  }
  http::Headers headers;
  headers.set("Content-Type", content_type);
  headers.set("Cache-Control", "public, max-age=31536000, immutable");
  const std::string etag = "\"" + name + "\"";
  headers.set("ETag", etag);
  return http::blob_response(request, std::make_shared<UniqueFd>(std::move(file->first)),
                             file->second, std::move(headers), etag);
}

std::string lfs_href_base(const GitServeContext& ctx, const GitPath& path) {
  const std::string repo_part = path.repo.kind == git::kGitRepoKind ? "/git/" + path.repo.name
                                : path.repo.kind == "dataset"       ? "/datasets/" + path.repo.name
                                                                    : "/" + path.repo.name;
  return ctx.options.public_url + repo_part + ".git/info/lfs/objects/";
}

http::Response serve_lfs(const GitServeContext& ctx, const http::Request& request,
                         const GitPath& path) {
  if (path.file == GitFile::kLfsLocks) {
    return git::lfs_error_response(403, "This mirror is read-only");
  }
  auto scope = git::lfs_scope_of(*ctx.catalog, path.repo);
  if (!scope) {
    return git::lfs_error_response(500, scope.error().message);
  }
  const auto in_store = [&](const Sha256& digest) { return ctx.store->contains(digest); };
  if (path.file == GitFile::kLfsBatch) {
    const git::LfsBatchContext batch{*scope, in_store, lfs_href_base(ctx, path)};
    return git::answer_lfs_batch(request, batch);
  }
  if (!is_read(request)) {
    return git::lfs_error_response(405, "Objects are read with GET");
  }
  const Sha256 digest = *Sha256::from_hex(path.part);
  if (!scope->contains(digest)) {
    return git::lfs_error_response(404, "Object does not exist");
  }
  auto blob = ctx.store->open(digest);
  if (!blob) {
    return git::lfs_error_response(404, "Object does not exist");
  }
  http::Headers headers;
  headers.set("Content-Type", "application/octet-stream");
  headers.set("Cache-Control", "public, max-age=31536000, immutable");
  const std::string etag = "\"" + path.part + "\"";
  headers.set("ETag", etag);
  return http::blob_response(request, std::make_shared<UniqueFd>(std::move(blob->fd)), blob->size,
                             std::move(headers), etag);
}

http::Response serve_git_file(const GitServeContext& ctx, const http::Request& request,
                              const GitPath& path) {
  if (path.file == GitFile::kReceivePack ||
      request.query.find("git-receive-pack") != std::string::npos) {
    return plain(403, "this mirror is read-only");
  }
  if (path.file == GitFile::kUploadPack) {
    return plain(403, "this mirror serves git over dumb HTTP only");
  }
  if (!is_read(request)) {
    http::Response response = plain(405, "method not allowed: this mirror is read-only");
    response.headers.set("Allow", "GET, HEAD");
    return response;
  }
  const std::filesystem::path dir = repo_directory(ctx, path.repo);
  if (path.file == GitFile::kInfoRefs && path.repo.kind != git::kGitRepoKind) {
    if (Status refreshed = ctx.hf_repos->refresh(path.repo); !refreshed) {
      return plain(500, "cannot prepare the git repository: " + refreshed.error().message);
    }
  }
  switch (path.file) {
    case GitFile::kInfoRefs:
      return serve_index_file(dir / "info" / "refs");
    case GitFile::kHead:
      return serve_index_file(dir / "HEAD");
    case GitFile::kInfoPacks:
      return serve_index_file(dir / "objects" / "info" / "packs");
    case GitFile::kPack:
      return serve_object_file(request, dir / "objects" / "pack" / path.part,
                               path.part.ends_with(".pack")
                                   ? "application/x-git-packed-objects"
                                   : "application/x-git-packed-objects-toc",
                               path.part);
    case GitFile::kLooseObject:
      return serve_object_file(request, dir / "objects" / path.part,
                               "application/x-git-loose-object", path.part);
    default:
      return plain(404, "not found");
  }
}

std::optional<http::Response> route(const GitServeContext& ctx, const http::Request& request) {
  if (request.method == "OPTIONS") {
    return std::nullopt;
  }
  const git::ParsedGitPath parsed = git::parse_git_path(request.path);
  if (parsed.kind == git::GitPathKind::kNotGit) {
    return std::nullopt;
  }
  if (parsed.kind == git::GitPathKind::kMalformed) {
    return plain(404, "not found");
  }
  const GitPath& path = parsed.path;
  auto exists = ctx.catalog->repo_exists(path.repo);
  if (!exists) {
    return plain(500, exists.error().message);
  }
  if (!*exists) {
    if (path.repo.kind != git::kGitRepoKind) {
      return std::nullopt;  // not a repo this mirror holds: other routes may know the path
    }
    return git::is_lfs_file(path.file) ? git::lfs_error_response(404, "Repository not found")
                                       : plain(404, "repository not found: " + path.repo.name);
  }
  if (git::is_lfs_file(path.file)) {
    return serve_lfs(ctx, request, path);
  }
  return serve_git_file(ctx, request, path);
}

}  // namespace

http::Route make_git_routes(std::shared_ptr<Catalog> catalog, std::shared_ptr<BlobStore> store,
                            GitRoutesOptions options) {
  auto hf_repos =
      std::make_unique<git::HfGitRepos>(catalog, store, options.storage_root / "git-hf");
  auto ctx = std::make_shared<const GitServeContext>(GitServeContext{
      std::move(catalog), std::move(store), std::move(options), std::move(hf_repos)});
  return [ctx](const http::Request& request) { return route(*ctx, request); };
}

}  // namespace mirrord
