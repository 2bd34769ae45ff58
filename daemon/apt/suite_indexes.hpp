// The indexes of one verified suite (protocols/apt.md §4 steps 5-6): for each configured
// component and architecture every listed variant of Packages (plain, .gz, .xz, ...), the
// per-architecture Release and the English translations, fetched by-hash when the Release offers
// it (a by-hash object cannot change during the sync), checked against the Release's size,
// SHA256 and SHA512, decompressed and checked against the plain entry when one is listed, and
// parsed. A plain Packages that upstream lists but does not serve is served from the verified
// decompression, so every variant apt may pick is there.
#pragma once

#include <string>
#include <vector>

#include "daemon/apt/apt_fetch.hpp"
#include "daemon/apt/packages.hpp"
#include "daemon/apt/upstream_release.hpp"
#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"

namespace mirrord::apt {

struct IndexContext {
  const Upstream& upstream;
  BlobStore& store;
  Catalog& catalog;
  std::vector<std::string> archive_urls;  // mirrors of the archive, in the order to try them
};

struct SuiteIndexes {
  // dists/<suite>/<path> and dists/<suite>/<dir>/by-hash/<SHA256|SHA512>/<hex> for each index.
  std::vector<SnapshotFile> files;
  std::vector<PackageEntry> packages;
};

Result<SuiteIndexes> fetch_suite_indexes(const IndexContext& context,
                                         const UpstreamRelease& release, const AptTarget& target);

// The architectures whose Packages a suite must have: the policy's, plus "all" when the Release
// lists it without "No-Support-for-Architecture-all: Packages" (apt then asks for binary-all).
std::vector<std::string> index_architectures(const ReleaseInfo& info, const AptTarget& target);

}  // namespace mirrord::apt
