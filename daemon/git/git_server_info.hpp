// The two index files a dumb-HTTP git client reads (protocols/git.md §3.2), which libgit2 does
// not write: info/refs (every published ref, peeled tags after "^{}") and objects/info/packs
// (every pack). Regenerated after each sync, each written to a temporary file and renamed into
// place, packs list first: a client that reads the new info/refs must find the new packs.
#pragma once

#include <git2.h>

#include <filesystem>
#include <string>
#include <vector>

#include "daemon/git/git_published_refs.hpp"
#include "storage/result.hpp"

namespace mirrord::git {

// "<oid>\t<name>\n" per ref in byte order of names, plus "<peeled>\t<name>^{}\n" after each
// annotated tag. No HEAD line.
std::string render_info_refs(std::vector<PublishedRef> refs);

// "P <pack name>\n" per pack, then an empty line.
std::string render_info_packs(const std::vector<std::string>& pack_names);

// Names of objects/pack/pack-<40 hex>.pack files whose .idx exists and that are not retired
// (git_pack_maintenance.hpp), sorted.
Result<std::vector<std::string>> list_packs(const std::filesystem::path& repo_dir);

// Writes `text` to `path` through a temporary file, fsync and rename (readers see the old
// content or the new, never a mix).
Status write_file_atomically(const std::filesystem::path& path, std::string_view text);

// Regenerates objects/info/packs, then info/refs, for the bare repository at `repo_dir`.
Status write_server_info(git_repository* repo, const std::filesystem::path& repo_dir);

}  // namespace mirrord::git
