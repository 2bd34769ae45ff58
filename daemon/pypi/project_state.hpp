// ProjectState: what the mirror publishes for one project of one index root, stored as the
// snapshot's info_json. Project pages (HTML and JSON) are rendered from it; nothing about a file
// is served that is not recorded here.
//
// The snapshot's "commit" is the sha256 of the canonical JSON (files sorted by name, keys sorted),
// so a sync that finds nothing new publishes nothing new: page identity is the set of files and
// their attributes, never upstream page bytes (protocols/pypi.md §9.5).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/digest.hpp"
#include "storage/result.hpp"

namespace mirrord::pypi {

struct PublishedFile {
  std::string filename;
  std::string version;  // normalized PEP 440 version from the filename
  Sha256 sha256;        // computed at ingest
  std::uint64_t size = 0;
  std::string requires_python;            // "" when unknown
  std::optional<std::string> yanked;      // nullopt: not yanked; "": yanked without reason
  std::string upload_time;                // PEP 700 form, "" when unknown
  std::optional<Sha256> core_metadata;    // digest of the served <file>.metadata
  std::string review;                     // why the file needs a human look ("" if not)
  bool delisted = false;                  // upstream no longer lists it; still served
  std::optional<Sha256> upstream_sha256;  // upstream now lists other bytes under this name

  friend bool operator==(const PublishedFile&, const PublishedFile&) = default;
};

struct ProjectState {
  std::string project;               // normalized name
  std::vector<PublishedFile> files;  // sorted by filename (see sort_files)

  void sort_files();
  const PublishedFile* find(std::string_view filename) const;
  std::string to_json() const;  // canonical: equal states give equal bytes
  std::string commit() const;   // sha256 hex of to_json()
  static Result<ProjectState> from_json(std::string_view json);
};

// The catalog path of a file's core metadata blob.
inline std::string metadata_path(std::string_view filename) {
  return std::string(filename) + ".metadata";
}

}  // namespace mirrord::pypi
