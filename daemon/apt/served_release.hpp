// The Release files clients get for a suite: upstream's bytes (verbatim mode) or a Release the
// mirror writes from upstream's signed text and signs with its own key (resign mode), plus the
// evidence of what upstream signed, kept under .upstream/<suite>/.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "daemon/apt/mirror_key.hpp"
#include "daemon/apt/upstream_release.hpp"
#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"

namespace mirrord::apt {

struct ReleaseStore {
  BlobStore& store;
  Catalog& catalog;
};

// dists/<suite>/InRelease, and Release + Release.gpg when upstream serves a matching pair.
Result<std::vector<SnapshotFile>> verbatim_release_files(const ReleaseStore& stores,
                                                         const UpstreamRelease& release);

// .upstream/<suite>/{InRelease | Release, Release.gpg} and .upstream/<suite>/signed-text.
Result<std::vector<SnapshotFile>> evidence_files(const ReleaseStore& stores,
                                                 const UpstreamRelease& release);
// Where the evidence keeps upstream's signed text (the source of every re-signed Release).
std::string signed_text_path(const std::string& suite);
// Upstream's signed text of `suite` as the evidence among `files` keeps it.
Result<std::string> held_signed_text(const BlobStore& store, const std::vector<SnapshotFile>& files,
                                     const std::string& suite);
// Whether `path` is one of the Release files clients get for `suite`.
bool is_served_release_file(const std::string& path, const std::string& suite);

// dists/<suite>/InRelease, Release and Release.gpg, re-signed by the mirror key with the given
// Date and Valid-Until.
Result<std::vector<SnapshotFile>> resigned_release_files(
    const ReleaseStore& stores, const MirrorKey& key, const std::string& suite,
    std::string_view signed_text, std::int64_t date, std::int64_t valid_until);

// The Date of a new re-signed Release: now, and strictly after the last one served (apt keeps
// the newer of two files). Waits briefly when the clock has not yet passed the last Date; fails
// when the clock is far behind it.
Result<std::int64_t> next_served_date(std::int64_t last_served,
                                      const std::function<std::int64_t()>& now);

}  // namespace mirrord::apt
