// The package files (.deb) a pull keeps: chosen from the parsed indexes, fetched several at once,
// each checked against the Size and SHA256 its Packages stanza gives (protocols/apt.md §4 step 6).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "daemon/apt/apt_fetch.hpp"
#include "daemon/apt/packages.hpp"
#include "daemon/jobs/job_manager.hpp"
#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"

namespace mirrord::apt {

struct PoolFile {
  std::string filename;  // relative to the archive root
  std::uint64_t size = 0;
  Sha256 sha256;
};

// One entry per Filename of the packages named in `names`, sorted by Filename. Two stanzas that
// give one Filename different content fail (kConflict): the upstream contradicts itself.
Result<std::vector<PoolFile>> pool_files_of(const std::vector<PackageEntry>& packages,
                                            const std::set<std::string>& names);

struct PoolContext {
  const Upstream& upstream;
  BlobStore& store;
  Catalog& catalog;
  std::vector<std::string> archive_urls;  // mirrors of the archive, in the order to try them
  int parallel_files = 4;
};

// Fetches (or reuses) every file; the first failure stops the others and is returned.
Result<std::vector<SnapshotFile>> fetch_pool_files(const PoolContext& context,
                                                   const std::vector<PoolFile>& files,
                                                   JobContext& job);

}  // namespace mirrord::apt
