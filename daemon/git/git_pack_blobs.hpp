// A git mirror's packs as blobs of its sync record, so that snapshot records carry its history
// to other mirrors (README "Air-gapped transfer", "Federation").
//
// After each sync, every pack objects/info/packs lists is in the BlobStore (addressed by
// sha256, like any blob) and listed as a file "git/packs/pack-<id>.pack" of the "current" sync
// record (git_catalog.hpp). The .idx files are not carried: the importing mirror rebuilds them
// with libgit2's indexer, which computes every object's id (git_replica_install.hpp).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"

namespace mirrord::git {

inline constexpr std::string_view kPackPathPrefix = "git/packs/";

// "git/packs/pack-X.pack" for "pack-X.pack".
std::string pack_file_path(std::string_view pack_name);

// The pack name of a record file path ("git/packs/pack-X.pack" -> "pack-X.pack"); empty when
// the path is not one of a pack.
std::string pack_name_of_path(std::string_view path);

// Stores each served pack of the repository at `repo_dir` in `store` (recording it in the
// catalog) and returns them as snapshot files. A pack that `previous` (the last sync record's
// files) lists and the store still holds is not read again: its name is its content's checksum.
Result<std::vector<SnapshotFile>> store_pack_blobs(const std::filesystem::path& repo_dir,
                                                   const std::vector<SnapshotFile>& previous,
                                                   BlobStore& store, Catalog& catalog);

}  // namespace mirrord::git
