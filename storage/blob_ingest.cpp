// LocalBlobIngest: hash while writing a .part, verify, make durable, rename into blobs/.
#include "storage/blob_ingest.hpp"

#include <optional>
#include <string>

namespace mirrord {
namespace {

class LocalBlobIngest final : public BlobIngest {
 public:
  LocalBlobIngest(std::shared_ptr<FileSystem> fs, const BlobLayout& layout,
                  std::unique_ptr<KeyClaim> claim, const ExpectedContent& expected)
      : fs_(std::move(fs)),
        layout_(layout),
        claim_(std::move(claim)),
        expected_(expected),
        part_(layout_.part_path(claim_->key())) {
    restart_hashing();
  }

  // Without commit() the .part stays for a resume, which re-hashes its bytes.
  ~LocalBlobIngest() override { (void)close_file(); }

  Status open_part();
  std::uint64_t offset() const override { return written_; }
  Status write(std::span<const std::byte> data) override;
  Result<BlobInfo> commit() override;
  void discard() override;

 private:
  enum class State { kOpen, kFailed, kCommitted, kDiscarded };

  bool rehash_kept_part();
  void restart_hashing();
  Status close_file();
  Error fail_keeping_part(Error error);
  Error discard_with(Error error);
  Status check_digests(const Sha256& sha256, const std::optional<GitOid>& git_oid) const;
  void hash(std::span<const std::byte> data);
  Status make_part_durable();
  Status move_into_place(const Sha256& sha256);

  std::shared_ptr<FileSystem> fs_;
  BlobLayout layout_;
  std::unique_ptr<KeyClaim> claim_;
  ExpectedContent expected_;
  std::filesystem::path part_;
  std::unique_ptr<WritableFile> file_;
  Sha256Hasher sha256_;
  std::optional<GitBlobHasher> git_;  // absent when the git blob id is not wanted
  std::uint64_t written_ = 0;
  State state_ = State::kOpen;
};

Status LocalBlobIngest::close_file() {
  if (!file_) {
    return {};
  }
  auto closed = file_->close();
  file_.reset();
  return closed;
}

void LocalBlobIngest::restart_hashing() {
  sha256_ = Sha256Hasher();
  git_.reset();
  if (expected_.git_oid || expected_.compute_git_oid) {
    git_.emplace(expected_.size);
  }
  written_ = 0;
}

void LocalBlobIngest::hash(std::span<const std::byte> data) {
  sha256_.update(data);
  if (git_) {
    git_->update(data);
  }
  written_ += data.size();
}

// Kept bytes are never trusted: they are hashed again, exactly as if they had just arrived.
bool LocalBlobIngest::rehash_kept_part() {
  auto read = fs_->read_chunks(part_, [this](std::span<const std::byte> chunk) { hash(chunk); });
  return read.ok() && written_ <= expected_.size;
}

Status LocalBlobIngest::open_part() {
  auto kept = fs_->file_size(part_);
  if (!kept && kept.error().code != ErrorCode::kNotFound) {
    return kept.error();
  }
  const bool resume = kept.ok() && *kept <= expected_.size && rehash_kept_part();
  if (!resume) {
    // Unreadable, or longer than the file can be: those bytes are worthless, start from zero.
    restart_hashing();
  }
  MIRRORD_TRY_ASSIGN(file_, fs_->open_for_append(part_, resume));
  return {};
}

// An I/O failure while writing (ENOSPC, EIO) leaves bytes that may still be right: keep them for
// a later resume, which re-hashes whatever actually reached the file.
Error LocalBlobIngest::fail_keeping_part(Error error) {
  (void)close_file();
  state_ = State::kFailed;
  claim_->release();
  return error;
}

// Bytes known to be wrong (too many, wrong digest, not durable) must not survive for a resume.
Error LocalBlobIngest::discard_with(Error error) {
  discard();
  return error;
}

void LocalBlobIngest::discard() {
  if (state_ == State::kCommitted || state_ == State::kDiscarded) {
    return;
  }
  (void)close_file();
  (void)fs_->remove(part_);  // already gone is fine; anything else leaves only a stale .part
  state_ = State::kDiscarded;
  claim_->release();
}

Status LocalBlobIngest::write(std::span<const std::byte> data) {
  if (state_ != State::kOpen) {
    return make_error(ErrorCode::kInvalidInput, "write to a finished ingest " + claim_->key());
  }
  if (data.size() > expected_.size - written_) {
    return discard_with(make_error(ErrorCode::kSizeMismatch, "more than the declared " +
                                                                 std::to_string(expected_.size) +
                                                                 " bytes for " + claim_->key()));
  }
  auto appended = file_->append(data);
  if (!appended) {
    return fail_keeping_part(appended.error());
  }
  hash(data);
  return {};
}

Status LocalBlobIngest::check_digests(const Sha256& sha256,
                                      const std::optional<GitOid>& git_oid) const {
  if (expected_.sha256 && *expected_.sha256 != sha256) {
    return make_error(ErrorCode::kDigestMismatch, "sha256 mismatch for " + claim_->key() +
                                                      ": expected " + expected_.sha256->hex() +
                                                      ", got " + sha256.hex());
  }
  if (expected_.git_oid && *expected_.git_oid != git_oid) {
    return make_error(ErrorCode::kDigestMismatch, "git blob id mismatch for " + claim_->key() +
                                                      ": expected " + expected_.git_oid->hex() +
                                                      ", got " + git_oid.value_or(GitOid()).hex());
  }
  return {};
}

Status LocalBlobIngest::make_part_durable() {
  MIRRORD_TRY(file_->sync());
  return close_file();
}

Status LocalBlobIngest::move_into_place(const Sha256& sha256) {
  const auto final_path = layout_.blob_path(sha256);
  const auto fan_out = final_path.parent_path();
  const bool fan_out_existed = fs_->file_size(fan_out).ok();
  MIRRORD_TRY(fs_->create_directories(fan_out));
  if (fs_->file_size(final_path).ok()) {
    // Identical bytes are already stored (invariant 4): the verified copy is redundant.
    (void)fs_->remove(part_);
  } else {
    MIRRORD_TRY(fs_->rename(part_, final_path));
  }
  // The directory entry must be on disk before any catalog row may name the blob (invariant 1);
  // directories created just now need their own entries synced in their parents as well.
  MIRRORD_TRY(fs_->sync_directory(fan_out));
  if (!fan_out_existed) {
    MIRRORD_TRY(fs_->sync_directory(fan_out.parent_path()));
    MIRRORD_TRY(fs_->sync_directory(fan_out.parent_path().parent_path()));
  }
  return {};
}

Result<BlobInfo> LocalBlobIngest::commit() {
  if (state_ != State::kOpen) {
    return make_error(ErrorCode::kInvalidInput, "commit of a finished ingest " + claim_->key());
  }
  if (written_ != expected_.size) {
    return discard_with(make_error(ErrorCode::kSizeMismatch,
                                   claim_->key() + ": got " + std::to_string(written_) +
                                       " bytes, expected " + std::to_string(expected_.size)));
  }
  const Sha256 sha256 = sha256_.finish();
  std::optional<GitOid> git_oid;
  if (git_) {
    git_oid = git_->finish();
    if (!git_oid) {
      return discard_with(make_error(ErrorCode::kInternal, "git hasher disagrees on the size"));
    }
  }
  if (auto verified = check_digests(sha256, git_oid); !verified) {
    return discard_with(verified.error());
  }
  // After a failed fsync the kernel may already have dropped the dirty pages, and a later fsync
  // can succeed for data that never reached the disk: such a .part is not kept for a resume.
  if (auto durable = make_part_durable(); !durable) {
    return discard_with(durable.error());
  }
  if (auto placed = move_into_place(sha256); !placed) {
    return fail_keeping_part(placed.error());  // verified and synced: a retry may reuse it
  }
  state_ = State::kCommitted;
  claim_->release();
  return BlobInfo{sha256, git_oid, written_};
}

}  // namespace

std::filesystem::path BlobLayout::blob_path(const Sha256& digest) const {
  const std::string hex = digest.hex();
  return blobs_dir() / hex.substr(0, 2) / hex.substr(2, 2) / hex;
}

std::filesystem::path BlobLayout::part_path(const std::string& key) const {
  return tmp_dir() / (key + ".part");
}

std::string ingest_key(const ExpectedContent& expected) {
  if (expected.sha256) {
    return "sha256-" + expected.sha256->hex();
  }
  if (expected.git_oid) {
    return "git-" + expected.git_oid->hex();
  }
  return {};
}

bool IngestKeys::claim(const std::string& key) {
  std::lock_guard lock(mutex_);
  return keys_.insert(key).second;
}

void IngestKeys::release(const std::string& key) {
  std::lock_guard lock(mutex_);
  keys_.erase(key);
}

bool IngestKeys::held(const std::string& key) const {
  std::lock_guard lock(mutex_);
  return keys_.contains(key);
}

void KeyClaim::release() {
  if (keys_) {
    keys_->release(key_);
    keys_.reset();
  }
}

Result<std::unique_ptr<BlobIngest>> start_local_ingest(std::shared_ptr<FileSystem> fs,
                                                       const BlobLayout& layout,
                                                       std::shared_ptr<IngestKeys> keys,
                                                       const ExpectedContent& expected) {
  std::string key = ingest_key(expected);
  if (key.empty()) {
    return make_error(ErrorCode::kInvalidInput, "an ingest needs an expected sha256 or git oid");
  }
  if (!keys->claim(key)) {
    return make_error(ErrorCode::kConflict, "an ingest of " + key + " is already running");
  }
  auto claim = std::make_unique<KeyClaim>(std::move(keys), std::move(key));
  auto ingest =
      std::make_unique<LocalBlobIngest>(std::move(fs), layout, std::move(claim), expected);
  MIRRORD_TRY(ingest->open_part());
  return std::unique_ptr<BlobIngest>(std::move(ingest));
}

}  // namespace mirrord
