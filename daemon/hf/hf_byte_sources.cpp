#include "daemon/hf/hf_byte_sources.hpp"

#include <algorithm>

#include "daemon/fetch/url.hpp"

namespace mirrord {
namespace {

// ModelScope revisions are not Hugging Face commits: its default branch holds the same files.
constexpr const char* kModelScopeRevision = "master";

std::string modelscope_resolve_url(const std::string& endpoint, const HfManifest& manifest,
                                   const ManifestEntry& entry) {
  return endpoint + "/models/" + manifest.repo + "/resolve/" + kModelScopeRevision + "/" +
         percent_encode(entry.path, "/");
}

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

std::string hf_resolve_url(const std::string& endpoint, const HfManifest& manifest,
                           const ManifestEntry& entry) {
  const std::string prefix = manifest.repo_type == "dataset" ? "datasets/" : "";
  return endpoint + "/" + prefix + manifest.repo + "/resolve/" + manifest.commit + "/" +
         percent_encode(entry.path, "/");
}

std::vector<HfFileSource> hf_byte_sources(const HfFileSourceBases& bases, UpstreamHealth* health,
                                          const HfManifest& manifest, const ManifestEntry& entry) {
  std::vector<std::string> all = bases.hf;
  if (manifest.repo_type == "model") {
    all.insert(all.end(), bases.modelscope.begin(), bases.modelscope.end());
  }
  if (health != nullptr) {
    all = health->order(all);
  }
  std::vector<HfFileSource> sources;
  for (const std::string& base : all) {
    const bool authoritative = contains(bases.hf, base);
    sources.push_back({authoritative ? hf_resolve_url(base, manifest, entry)
                                     : modelscope_resolve_url(base, manifest, entry),
                       authoritative});
  }
  return sources;
}

}  // namespace mirrord
