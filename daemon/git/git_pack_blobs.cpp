#include "daemon/git/git_pack_blobs.hpp"

#include <fstream>
#include <functional>
#include <map>

#include "daemon/git/git_pack_names.hpp"
#include "daemon/git/git_server_info.hpp"

namespace mirrord::git {
namespace {

using ChunkSink = std::function<Status(std::span<const std::byte>)>;

// Streams the file in 256 KiB chunks: packs are never held whole in memory.
Status stream_file(const std::filesystem::path& path, const ChunkSink& sink) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error(ErrorCode::kIo, "cannot open " + path.string());
  }
  std::vector<char> buffer(256 * 1024);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got > 0) {
      MIRRORD_TRY(sink(std::as_bytes(std::span(buffer.data(), got))));
    }
  }
  if (in.bad()) {
    return make_error(ErrorCode::kIo, "cannot read " + path.string());
  }
  return {};
}

Result<Sha256> sha256_of_file(const std::filesystem::path& path) {
  Sha256Hasher hasher;
  MIRRORD_TRY(stream_file(path, [&](std::span<const std::byte> chunk) -> Status {
    hasher.update(chunk);
    return {};
  }));
  return hasher.finish();
}

Result<SnapshotFile> store_pack(const std::filesystem::path& path, const std::string& name,
                                BlobStore& store, Catalog& catalog) {
  std::error_code ec;
  const std::uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) {
    return make_error(ErrorCode::kIo, "cannot stat " + path.string() + ": " + ec.message());
  }
  ExpectedContent expected;
  expected.size = size;
  MIRRORD_TRY_ASSIGN(expected.sha256, sha256_of_file(path));
  MIRRORD_TRY_ASSIGN(const auto recorded, catalog.find_blob(*expected.sha256));
  if (recorded && store.contains(recorded->sha256) && recorded->git_oid) {
    return SnapshotFile{pack_file_path(name), recorded->sha256, *recorded->git_oid, false, size};
  }
  MIRRORD_TRY_ASSIGN(auto ingest, store.begin_ingest(expected));
  if (ingest->offset() != 0) {
    ingest->discard();  // a stale .part of the same digest: start again from the pack itself
    MIRRORD_TRY_ASSIGN(ingest, store.begin_ingest(expected));
  }
  MIRRORD_TRY(
      stream_file(path, [&](std::span<const std::byte> chunk) { return ingest->write(chunk); }));
  MIRRORD_TRY_ASSIGN(const BlobInfo info, ingest->commit());
  MIRRORD_TRY(catalog.record_blob(info));
  return SnapshotFile{pack_file_path(name), info.sha256, info.git_oid.value_or(GitOid()), false,
                      info.size};
}

}  // namespace

std::string pack_file_path(std::string_view pack_name) {
  return std::string(kPackPathPrefix) + std::string(pack_name);
}

std::string pack_name_of_path(std::string_view path) {
  if (!path.starts_with(kPackPathPrefix)) {
    return {};
  }
  const std::string_view name = path.substr(kPackPathPrefix.size());
  return is_pack_file_name(name) && name.ends_with(".pack") ? std::string(name) : std::string();
}

Result<std::vector<SnapshotFile>> store_pack_blobs(const std::filesystem::path& repo_dir,
                                                   const std::vector<SnapshotFile>& previous,
                                                   BlobStore& store, Catalog& catalog) {
  std::map<std::string, const SnapshotFile*> known;
  for (const SnapshotFile& file : previous) {
    known[file.path] = &file;
  }
  MIRRORD_TRY_ASSIGN(const std::vector<std::string> packs, list_packs(repo_dir));
  std::vector<SnapshotFile> files;
  for (const std::string& name : packs) {
    const auto it = known.find(pack_file_path(name));
    if (it != known.end() && store.contains(it->second->sha256)) {
      files.push_back(*it->second);
      continue;
    }
    MIRRORD_TRY_ASSIGN(SnapshotFile file,
                       store_pack(repo_dir / "objects" / "pack" / name, name, store, catalog));
    files.push_back(std::move(file));
  }
  return files;
}

}  // namespace mirrord::git
