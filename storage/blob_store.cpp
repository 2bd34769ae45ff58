// LocalBlobStore: the BlobStore on a local file system (layout in blob_store.hpp).
#include "storage/blob_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <system_error>

#include "storage/blob_ingest.hpp"

namespace mirrord {
namespace {

namespace fs = std::filesystem;

Error filesystem_error(const std::error_code& ec, const std::string& what) {
  return errno_error(ec.value(), what);
}

class LocalBlobStore final : public BlobStore {
 public:
  LocalBlobStore(const fs::path& root, std::shared_ptr<FileSystem> file_system)
      : layout_(root), fs_(std::move(file_system)), keys_(std::make_shared<IngestKeys>()) {}

  Status create_layout() {
    MIRRORD_TRY(fs_->create_directories(layout_.blobs_dir()));
    return fs_->create_directories(layout_.tmp_dir());
  }

  bool contains(const Sha256& digest) const override {
    return fs_->file_size(layout_.blob_path(digest)).ok();
  }

  Result<OpenBlob> open(const Sha256& digest) const override {
    const fs::path path = layout_.blob_path(digest);
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) {
      return errno_error(errno, "open blob " + digest.hex());
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) {
      return errno_error(errno, "stat blob " + digest.hex());
    }
    return OpenBlob{std::move(fd), static_cast<std::uint64_t>(st.st_size)};
  }

  Result<std::unique_ptr<BlobIngest>> begin_ingest(const ExpectedContent& expected) override {
    return start_local_ingest(fs_, layout_, keys_, expected);
  }

  Status remove(const Sha256& digest) override { return fs_->remove(layout_.blob_path(digest)); }

  Status for_each(const std::function<void(const Sha256&, std::uint64_t size)>& fn) const override;
  Status clean_stale_parts(std::chrono::seconds max_age) override;

 private:
  BlobLayout layout_;
  std::shared_ptr<FileSystem> fs_;
  std::shared_ptr<IngestKeys> keys_;
};

// Only files whose name is a digest and whose place matches the layout are blobs; anything else
// under blobs/ (an operator's stray file) is not reported, so it can never be served or counted.
Status LocalBlobStore::for_each(
    const std::function<void(const Sha256&, std::uint64_t size)>& fn) const {
  std::error_code ec;
  fs::recursive_directory_iterator it(layout_.blobs_dir(), ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec) || ec) {
      continue;
    }
    const auto digest = Sha256::from_hex(it->path().filename().string());
    if (!digest || layout_.blob_path(*digest) != it->path()) {
      continue;
    }
    const std::uint64_t size = it->file_size(ec);
    if (ec) {
      break;
    }
    fn(*digest, size);
  }
  if (ec) {
    return filesystem_error(ec, "list " + layout_.blobs_dir().string());
  }
  return {};
}

Status LocalBlobStore::clean_stale_parts(std::chrono::seconds max_age) {
  const auto cutoff = fs::file_time_type::clock::now() - max_age;
  std::error_code ec;
  fs::directory_iterator it(layout_.tmp_dir(), ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const fs::path& path = it->path();
    std::error_code time_ec;
    const auto modified = it->last_write_time(time_ec);
    if (path.extension() != ".part" || time_ec || modified >= cutoff) {
      continue;  // not ours, vanished meanwhile, or young enough to be resumed
    }
    // Holding the key while removing keeps an ingest from resuming this .part under our feet.
    if (!keys_->claim(path.stem().string())) {
      continue;  // an ingest in this process is writing it right now
    }
    KeyClaim claim(keys_, path.stem().string());
    auto removed = fs_->remove(path);
    if (!removed && removed.error().code != ErrorCode::kNotFound) {
      return removed.error();
    }
  }
  if (ec) {
    return filesystem_error(ec, "list " + layout_.tmp_dir().string());
  }
  return {};
}

}  // namespace

Result<std::shared_ptr<BlobStore>> make_local_blob_store(const std::filesystem::path& root,
                                                         std::shared_ptr<FileSystem> fs) {
  auto store = std::make_shared<LocalBlobStore>(root, std::move(fs));
  MIRRORD_TRY(store->create_layout());
  return std::shared_ptr<BlobStore>(std::move(store));
}

}  // namespace mirrord
