// Private to the Hugging Face upstream side: where the bytes of one manifest file may come from,
// and in which order (README, "Several upstreams").
//
// The Hugging Face endpoints are authoritative: the manifest (commit, path, size, digest) comes
// only from them. ModelScope endpoints (protocols/hf.md §13.2) only serve bytes, of model repos,
// from their default revision `master`; those bytes are kept only when they verify against the
// manifest, like every other source's.
#pragma once

#include <string>
#include <vector>

#include "daemon/hf/hf_source.hpp"
#include "daemon/upstreams/upstream_health.hpp"

namespace mirrord {

struct HfFileSource {
  std::string url;
  bool authoritative = false;  // a Hugging Face endpoint: its 404 or gate is final
};

struct HfFileSourceBases {
  std::vector<std::string> hf;          // normalized: no trailing '/'
  std::vector<std::string> modelscope;  // normalized: no trailing '/'
};

// The Hugging Face resolve URL of `entry` at the manifest's commit on `endpoint`.
std::string hf_resolve_url(const std::string& endpoint, const HfManifest& manifest,
                           const ManifestEntry& entry);

// Every source of `entry`: the Hugging Face endpoints then the ModelScope ones (model repos only),
// in that configured order except that sources whose latest requests failed go last (`health`
// may be null: configured order).
std::vector<HfFileSource> hf_byte_sources(const HfFileSourceBases& bases, UpstreamHealth* health,
                                          const HfManifest& manifest, const ManifestEntry& entry);

}  // namespace mirrord
