// Installing a git mirror carried by snapshot records (README "Air-gapped transfer",
// "Federation") into <root>/git/NAME.git before its catalog snapshots are published.
//
// The record's pack blobs (git_pack_blobs.hpp; their bytes already verified against the signed
// record's sha256 by the store) go through libgit2's indexer, which computes every object's id
// and rebuilds the .idx. Then every ref the signed sync record lists must name an object that
// is present and is a commit or a tag, peel to the commit its per-ref snapshot names, and reach
// only objects that are present (a full connectivity walk). Only then are the refs and HEAD set
// and info/refs and objects/info/packs rewritten; a failed check leaves the served refs as they
// were (and the new packs unreferenced).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "storage/blob_store.hpp"
#include "storage/result.hpp"

namespace mirrord::git {

struct GitReplica {
  std::string name;                                // the mirror's name
  std::string sync_info_json;                      // info_json of its "current" sync record
  std::vector<Sha256> packs;                       // the record's pack blobs, in `store`
  std::map<std::string, std::string> ref_commits;  // ref -> commit its per-ref snapshot names
};

// kInvalidInput (naming what is wrong) when the packs do not hold what the record says.
Status install_git_replica(const GitReplica& replica, const BlobStore& store,
                           const std::filesystem::path& storage_root);

}  // namespace mirrord::git
