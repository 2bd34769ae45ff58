#include "daemon/hf/hf_serve_manifest.hpp"

#include <fstream>
#include <sstream>

#include "policies/inspect/base64.hpp"
#include "policies/inspect/signing_key.hpp"

namespace mirrord {
namespace {

struct ManifestRequest {
  RepoKey repo;
  std::string revision;
  bool signature = false;
};

http::Response not_found(const std::string& code, const std::string& message) {
  http::Response response =
      http::json_response(404, "{\"error\":" + std::string("\"") + message + "\"}");
  response.headers.set("X-Error-Code", code);
  response.headers.set("X-Error-Message", message);
  return response;
}

// /api/{models|datasets}/ORG/NAME/manifest/REV[/signature], decoded; nullopt when not that form.
std::optional<ManifestRequest> parse(const std::string& raw_path) {
  const auto raw = http::split_path(raw_path);
  if (raw.size() < 6 || raw.size() > 7 || raw[0] != "api" || raw[4] != "manifest") {
    return std::nullopt;
  }
  std::vector<std::string> segs;
  for (std::string_view segment : raw) {
    auto decoded = http::percent_decode(segment);
    if (!decoded || decoded->empty() || decoded->find('/') != std::string::npos) {
      return std::nullopt;
    }
    segs.push_back(std::move(*decoded));
  }
  if ((segs[1] != "models" && segs[1] != "datasets") ||
      (segs.size() == 7 && segs[6] != "signature")) {
    return std::nullopt;
  }
  return ManifestRequest{{segs[1] == "models" ? "model" : "dataset", segs[2] + "/" + segs[3]},
                         segs[5],
                         segs.size() == 7};
}

bool is_commit(const std::string& text) {
  return text.size() == 40 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

http::Response serve_manifest(Catalog& catalog, const ManifestRequest& request) {
  std::string commit = request.revision;
  if (!is_commit(commit)) {
    auto ref = catalog.resolve_ref(request.repo, request.revision);
    if (!ref || !*ref) {
      return not_found("RevisionNotFound",
                       "no snapshot of " + request.repo.name + " at " + request.revision);
    }
    commit = **ref;
  }
  auto snapshot = catalog.find_snapshot(request.repo, commit);
  if (!snapshot || !*snapshot) {
    return not_found("RevisionNotFound", "no snapshot of " + request.repo.name + " at " + commit);
  }
  auto trust = catalog.snapshot_trust((*snapshot)->id);
  if (!trust) {
    return http::json_response(503, "{\"error\":\"the catalog cannot be read\"}");
  }
  const auto signature = base64_decode_strict(trust->manifest_signature);
  if (trust->manifest.empty() || !signature) {
    return not_found("EntryNotFound", "the snapshot has no signed manifest");
  }
  if (request.signature) {
    http::Response response = http::text_response(200, *signature, "application/octet-stream");
    response.headers.set("X-Repo-Commit", commit);
    return response;
  }
  http::Response response = http::json_response(200, trust->manifest);
  response.headers.set("X-Repo-Commit", commit);
  response.headers.set("X-Mirror-Signature", trust->manifest_signature);
  return response;
}

}  // namespace

http::Route make_hf_manifest_route(std::shared_ptr<Catalog> catalog,
                                   std::filesystem::path manifest_key_file) {
  return [catalog, key_file = std::move(manifest_key_file)](
             const http::Request& request) -> std::optional<http::Response> {
    if (request.path == "/api/mirror/manifest-key") {
      if (request.method != "GET" && request.method != "HEAD") {
        return http::json_response(405, "{\"error\":\"method not allowed\"}");
      }
      std::error_code ec;
      if (!std::filesystem::exists(key_file, ec)) {
        return not_found("EntryNotFound", "this mirror has not signed anything yet");
      }
      auto key = SigningKey::load_or_create(key_file);
      if (!key) {
        return http::json_response(503, "{\"error\":\"the manifest key cannot be read\"}");
      }
      return http::text_response(200, key->public_pem(), "application/x-pem-file");
    }
    const auto parsed = parse(request.path);
    if (!parsed) {
      return std::nullopt;
    }
    if (request.method != "GET" && request.method != "HEAD") {
      return http::json_response(405, "{\"error\":\"method not allowed\"}");
    }
    return serve_manifest(*catalog, *parsed);
  };
}

}  // namespace mirrord
