#include "daemon/apt/served_release.hpp"

#include <thread>

#include "daemon/apt/apt_blobs.hpp"
#include "daemon/apt/release.hpp"
#include "daemon/apt/release_date.hpp"

namespace mirrord::apt {
namespace {

constexpr std::int64_t kMaxClockWaitSeconds = 5;
constexpr std::uint64_t kMaxSignedTextBytes = 64u << 20;

Status add(const ReleaseStore& stores, std::vector<SnapshotFile>& files, std::string path,
           std::string_view bytes) {
  MIRRORD_TRY_ASSIGN(const BlobInfo blob, store_bytes(stores.store, stores.catalog, bytes));
  files.push_back(snapshot_file(std::move(path), blob));
  return {};
}

}  // namespace

std::string signed_text_path(const std::string& suite) {
  return ".upstream/" + suite + "/signed-text";
}

Result<std::string> held_signed_text(const BlobStore& store, const std::vector<SnapshotFile>& files,
                                     const std::string& suite) {
  const std::string path = signed_text_path(suite);
  for (const SnapshotFile& file : files) {
    if (file.path == path) {
      return read_blob(store, file.sha256, kMaxSignedTextBytes);
    }
  }
  return make_error(ErrorCode::kInvalidInput, "the snapshot lacks " + path);
}

bool is_served_release_file(const std::string& path, const std::string& suite) {
  const std::string prefix = "dists/" + suite + "/";
  return path == prefix + "InRelease" || path == prefix + "Release" ||
         path == prefix + "Release.gpg";
}

Result<std::vector<SnapshotFile>> verbatim_release_files(const ReleaseStore& stores,
                                                         const UpstreamRelease& release) {
  const std::string prefix = "dists/" + release.suite + "/";
  std::vector<SnapshotFile> files;
  if (release.inrelease) {
    MIRRORD_TRY(add(stores, files, prefix + "InRelease", *release.inrelease));
  }
  if (release.release && release.release_gpg) {
    MIRRORD_TRY(add(stores, files, prefix + "Release", *release.release));
    MIRRORD_TRY(add(stores, files, prefix + "Release.gpg", *release.release_gpg));
  }
  return files;
}

Result<std::vector<SnapshotFile>> evidence_files(const ReleaseStore& stores,
                                                 const UpstreamRelease& release) {
  const std::string prefix = ".upstream/" + release.suite + "/";
  MIRRORD_TRY_ASSIGN(std::vector<SnapshotFile> files, verbatim_release_files(stores, release));
  for (SnapshotFile& file : files) {
    file.path = prefix + file.path.substr(file.path.rfind('/') + 1);
  }
  MIRRORD_TRY(add(stores, files, signed_text_path(release.suite), release.signed_text));
  return files;
}

Result<std::vector<SnapshotFile>> resigned_release_files(
    const ReleaseStore& stores, const MirrorKey& key, const std::string& suite,
    std::string_view signed_text, std::int64_t date, std::int64_t valid_until) {
  MIRRORD_TRY_ASSIGN(const std::string text, resigned_release_text(signed_text, date, valid_until));
  MIRRORD_TRY_ASSIGN(const SignedRelease signed_release, key.sign(text));
  const std::string prefix = "dists/" + suite + "/";
  std::vector<SnapshotFile> files;
  MIRRORD_TRY(add(stores, files, prefix + "InRelease", signed_release.inrelease));
  MIRRORD_TRY(add(stores, files, prefix + "Release", text));
  MIRRORD_TRY(add(stores, files, prefix + "Release.gpg", signed_release.release_gpg));
  return files;
}

Result<std::int64_t> next_served_date(std::int64_t last_served,
                                      const std::function<std::int64_t()>& now) {
  if (last_served - now() >= kMaxClockWaitSeconds) {
    return make_error(ErrorCode::kConflict,
                      "the last served Release is dated " + format_release_date(last_served) +
                          ", ahead of this machine's clock; fix the clock before re-signing");
  }
  for (int waited = 0; now() <= last_served; ++waited) {
    if (waited >= kMaxClockWaitSeconds * 10) {
      return make_error(ErrorCode::kInternal, "the clock does not advance");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return now();
}

}  // namespace mirrord::apt
