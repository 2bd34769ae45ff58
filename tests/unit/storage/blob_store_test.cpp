#include "storage/blob_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/unit/storage/faulty_file_system.hpp"
#include "tests/unit/storage/temp_dir.hpp"

namespace mirrord {
namespace {

namespace fs = std::filesystem;
using testing::FaultyFileSystem;
using testing::read_file;
using testing::TempDir;
using testing::write_file;

const std::string kContent = "the quick brown fox jumps over the lazy dog, twice over";

std::span<const std::byte> bytes_of(std::string_view text) {
  return std::as_bytes(std::span(text.data(), text.size()));
}

ExpectedContent by_sha256(std::string_view content) {
  return {content.size(), sha256_of(content), std::nullopt};
}

ExpectedContent by_git_oid(std::string_view content) {
  return {content.size(), std::nullopt, git_blob_oid_of(content)};
}

class LocalBlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = make_local_blob_store(dir_.path(), fs_);
    ASSERT_TRUE(store) << store.error().message;
    store_ = *store;
  }

  Result<BlobInfo> ingest(const ExpectedContent& expected, std::string_view bytes) {
    MIRRORD_TRY_ASSIGN(auto ingest, store_->begin_ingest(expected));
    MIRRORD_TRY(ingest->write(bytes_of(bytes)));
    return ingest->commit();
  }

  std::vector<fs::path> files_under(const fs::path& sub) const {
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(dir_.path() / sub)) {
      if (entry.is_regular_file())
        files.push_back(entry.path());
    }
    return files;
  }
  std::vector<fs::path> blob_files() const { return files_under("blobs"); }
  std::vector<fs::path> part_files() const { return files_under("tmp"); }

  fs::path part_path(const Sha256& digest) const {
    return dir_.path() / "tmp" / ("sha256-" + digest.hex() + ".part");
  }

  std::string read_blob(const Sha256& digest) const {
    auto blob = store_->open(digest);
    EXPECT_TRUE(blob) << blob.error().message;
    if (!blob)
      return {};
    std::string bytes(blob->size, '\0');
    EXPECT_EQ(::pread(blob->fd.get(), bytes.data(), bytes.size(), 0),
              static_cast<ssize_t>(bytes.size()));
    return bytes;
  }

  TempDir dir_;
  std::shared_ptr<FaultyFileSystem> fs_ =
      std::make_shared<FaultyFileSystem>(make_posix_file_system());
  std::shared_ptr<BlobStore> store_;
};

TEST_F(LocalBlobStoreTest, IngestWithKnownSha256StoresVerifiedBlob) {
  auto info = ingest(by_sha256(kContent), kContent);
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->sha256, sha256_of(kContent));
  EXPECT_EQ(info->git_oid, git_blob_oid_of(kContent));
  EXPECT_EQ(info->size, kContent.size());
  EXPECT_TRUE(store_->contains(info->sha256));
  EXPECT_EQ(read_blob(info->sha256), kContent);

  const std::string hex = info->sha256.hex();
  EXPECT_EQ(blob_files(), std::vector{dir_.path() / "blobs" / "sha256" / hex.substr(0, 2) /
                                      hex.substr(2, 2) / hex});
  EXPECT_TRUE(part_files().empty());
}

TEST_F(LocalBlobStoreTest, IngestWithOnlyGitOidComputesSha256) {
  const std::string config = read_file(std::string(MIRRORD_TEST_DATA) +
                                       "/hf/repos/Qwen/Qwen2.5-0.5B-Instruct/config.json");
  ExpectedContent expected{config.size(), std::nullopt,
                           GitOid::from_hex("e9e9555b7038faff90a6e8143f863595d30c27ad")};
  auto info = ingest(expected, config);
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->sha256, sha256_of(config));
  EXPECT_EQ(read_blob(sha256_of(config)), config);
}

TEST_F(LocalBlobStoreTest, LfsContentIngestSkipsTheGitBlobId) {
  ExpectedContent expected = by_sha256(kContent);
  expected.compute_git_oid = false;
  auto info = ingest(expected, kContent);
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->sha256, sha256_of(kContent));
  EXPECT_FALSE(info->git_oid.has_value());
  EXPECT_EQ(read_blob(info->sha256), kContent);
}

TEST_F(LocalBlobStoreTest, AnExpectedGitOidIsVerifiedEvenWhenNotAskedToCompute) {
  ExpectedContent expected = by_git_oid(kContent);
  expected.compute_git_oid = false;
  const std::string other = std::string(kContent.size(), 'x');
  auto refused = ingest(expected, other);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kDigestMismatch);
  auto info = ingest(expected, kContent);
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->git_oid, git_blob_oid_of(kContent));
}

TEST_F(LocalBlobStoreTest, EmptyBlobIsIngested) {
  auto info = ingest(by_git_oid(""), "");
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->git_oid->hex(), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
  EXPECT_TRUE(store_->contains(sha256_of("")));
}

TEST_F(LocalBlobStoreTest, IngestWithoutAnyDigestIsRefused) {
  auto ingest = store_->begin_ingest(ExpectedContent{5, std::nullopt, std::nullopt});
  ASSERT_FALSE(ingest);
  EXPECT_EQ(ingest.error().code, ErrorCode::kInvalidInput);
}

TEST_F(LocalBlobStoreTest, Sha256MismatchLeavesNothingVisible) {
  const std::string tampered = "the quick brown fox jumps over the lazy cat, twice over";
  ASSERT_EQ(tampered.size(), kContent.size());
  auto info = ingest(by_sha256(kContent), tampered);
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code, ErrorCode::kDigestMismatch);
  EXPECT_NE(info.error().message.find(sha256_of(kContent).hex()), std::string::npos);
  EXPECT_NE(info.error().message.find(sha256_of(tampered).hex()), std::string::npos);
  EXPECT_FALSE(store_->contains(sha256_of(tampered)));
  EXPECT_FALSE(store_->contains(sha256_of(kContent)));
  EXPECT_TRUE(blob_files().empty());
  EXPECT_TRUE(part_files().empty());
}

TEST_F(LocalBlobStoreTest, GitOidMismatchLeavesNothingVisible) {
  const std::string tampered = "THE quick brown fox jumps over the lazy dog, twice over";
  auto info = ingest(by_git_oid(kContent), tampered);
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code, ErrorCode::kDigestMismatch);
  EXPECT_NE(info.error().message.find(git_blob_oid_of(kContent).hex()), std::string::npos);
  EXPECT_TRUE(blob_files().empty());
  EXPECT_TRUE(part_files().empty());
}

TEST_F(LocalBlobStoreTest, BothDigestsMustMatchWhenBothAreGiven) {
  ExpectedContent expected = by_sha256(kContent);
  expected.git_oid = git_blob_oid_of("something else of another size");
  auto info = ingest(expected, kContent);
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code, ErrorCode::kDigestMismatch);
  EXPECT_TRUE(blob_files().empty());
}

TEST_F(LocalBlobStoreTest, BytesBeyondExpectedSizeAreRefusedAndDiscarded) {
  auto ingest = store_->begin_ingest(by_sha256("12345"));
  ASSERT_TRUE(ingest);
  ASSERT_TRUE((*ingest)->write(bytes_of("1234")));
  auto overflow = (*ingest)->write(bytes_of("56"));
  ASSERT_FALSE(overflow);
  EXPECT_EQ(overflow.error().code, ErrorCode::kSizeMismatch);
  EXPECT_TRUE(part_files().empty());
  EXPECT_FALSE((*ingest)->write(bytes_of("5")));  // the ingest is over
  EXPECT_FALSE((*ingest)->commit());
  EXPECT_TRUE(blob_files().empty());
}

TEST_F(LocalBlobStoreTest, FewerBytesThanExpectedFailCommit) {
  auto info = ingest(by_sha256(kContent), kContent.substr(0, 10));
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code, ErrorCode::kSizeMismatch);
  EXPECT_TRUE(blob_files().empty());
  EXPECT_TRUE(part_files().empty());
}

TEST_F(LocalBlobStoreTest, IdenticalBytesAreStoredOnce) {
  ASSERT_TRUE(ingest(by_sha256(kContent), kContent));
  auto again = ingest(by_git_oid(kContent), kContent);  // another key, same bytes
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->sha256, sha256_of(kContent));
  EXPECT_EQ(blob_files().size(), 1u);
  EXPECT_TRUE(part_files().empty());
  int listed = 0;
  ASSERT_TRUE(store_->for_each([&](const Sha256& digest, std::uint64_t size) {
    EXPECT_EQ(digest, sha256_of(kContent));
    EXPECT_EQ(size, kContent.size());
    ++listed;
  }));
  EXPECT_EQ(listed, 1);
}

TEST_F(LocalBlobStoreTest, KeptPartIsResumedFromItsSize) {
  const std::size_t half = kContent.size() / 2;
  {
    auto first = store_->begin_ingest(by_sha256(kContent));
    ASSERT_TRUE(first);
    EXPECT_EQ((*first)->offset(), 0u);
    ASSERT_TRUE((*first)->write(bytes_of(std::string_view(kContent).substr(0, half))));
  }  // interrupted: destroyed without commit
  EXPECT_EQ(read_file(part_path(sha256_of(kContent))), kContent.substr(0, half));

  auto resumed = store_->begin_ingest(by_sha256(kContent));
  ASSERT_TRUE(resumed) << resumed.error().message;
  EXPECT_EQ((*resumed)->offset(), half);
  ASSERT_TRUE((*resumed)->write(bytes_of(std::string_view(kContent).substr(half))));
  auto info = (*resumed)->commit();
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->git_oid, git_blob_oid_of(kContent));
  EXPECT_EQ(read_blob(sha256_of(kContent)), kContent);
  EXPECT_TRUE(part_files().empty());
}

TEST_F(LocalBlobStoreTest, KeptPartWithWrongBytesFailsAtCommit) {
  const std::size_t half = kContent.size() / 2;
  write_file(part_path(sha256_of(kContent)), std::string(half, 'X'));
  auto resumed = store_->begin_ingest(by_sha256(kContent));
  ASSERT_TRUE(resumed);
  EXPECT_EQ((*resumed)->offset(), half);
  ASSERT_TRUE((*resumed)->write(bytes_of(std::string_view(kContent).substr(half))));
  auto info = (*resumed)->commit();
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code, ErrorCode::kDigestMismatch);
  EXPECT_TRUE(blob_files().empty());
  EXPECT_TRUE(part_files().empty());
}

TEST_F(LocalBlobStoreTest, PartLongerThanExpectedIsStartedOver) {
  write_file(part_path(sha256_of(kContent)), kContent + "trailing garbage");
  auto ingest = store_->begin_ingest(by_sha256(kContent));
  ASSERT_TRUE(ingest);
  EXPECT_EQ((*ingest)->offset(), 0u);
  ASSERT_TRUE((*ingest)->write(bytes_of(kContent)));
  ASSERT_TRUE((*ingest)->commit());
  EXPECT_EQ(read_blob(sha256_of(kContent)), kContent);
}

TEST_F(LocalBlobStoreTest, ConcurrentIngestOfSameContentIsRefused) {
  auto first = store_->begin_ingest(by_sha256(kContent));
  ASSERT_TRUE(first);
  auto second = store_->begin_ingest(by_sha256(kContent));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::kConflict);

  auto other = store_->begin_ingest(by_sha256("other content"));  // another key is independent
  EXPECT_TRUE(other);

  ASSERT_TRUE((*first)->write(bytes_of(kContent)));
  ASSERT_TRUE((*first)->commit());
  EXPECT_TRUE(store_->begin_ingest(by_sha256(kContent)));  // released by commit

  first->reset();
  other->reset();
  auto after_destroy = store_->begin_ingest(by_sha256("other content"));
  EXPECT_TRUE(after_destroy);  // released by destruction
}

TEST_F(LocalBlobStoreTest, CleanStalePartsRemovesOnlyOldIdleParts) {
  const auto tmp = dir_.path() / "tmp";
  const auto two_hours_ago = fs::file_time_type::clock::now() - std::chrono::hours(2);
  write_file(tmp / "sha256-old.part", "x");
  write_file(tmp / "sha256-young.part", "x");
  write_file(tmp / "notes.txt", "x");
  fs::last_write_time(tmp / "sha256-old.part", two_hours_ago);
  fs::last_write_time(tmp / "notes.txt", two_hours_ago);

  auto active = store_->begin_ingest(by_sha256(kContent));
  ASSERT_TRUE(active);
  fs::last_write_time(part_path(sha256_of(kContent)), two_hours_ago);

  ASSERT_TRUE(store_->clean_stale_parts(std::chrono::hours(1)));
  EXPECT_FALSE(fs::exists(tmp / "sha256-old.part"));
  EXPECT_TRUE(fs::exists(tmp / "sha256-young.part"));
  EXPECT_TRUE(fs::exists(tmp / "notes.txt"));
  EXPECT_TRUE(fs::exists(part_path(sha256_of(kContent))));  // its ingest is still running
}

TEST_F(LocalBlobStoreTest, CommitSyncsDataBeforeRenameAndDirectoryAfter) {
  auto info = ingest(by_sha256(kContent), kContent);
  ASSERT_TRUE(info);
  const std::string hex = info->sha256.hex();
  const auto fan_out = dir_.path() / "blobs" / "sha256" / hex.substr(0, 2) / hex.substr(2, 2);
  const std::vector<std::string> expected = {
      "open-truncate sha256-" + hex + ".part",
      "sync",
      "close",
      "rename " + hex,
      "sync-dir " + fan_out.string(),
      "sync-dir " + fan_out.parent_path().string(),
      "sync-dir " + fan_out.parent_path().parent_path().string(),
  };
  EXPECT_EQ(fs_->events(), expected);
}

TEST_F(LocalBlobStoreTest, NoSpaceWhileWritingIsReportedAndNothingIsVisible) {
  fs_->faults.append_errno = ENOSPC;
  auto ingest = store_->begin_ingest(by_sha256(kContent));
  ASSERT_TRUE(ingest);
  auto written = (*ingest)->write(bytes_of(kContent));
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code, ErrorCode::kNoSpace);
  EXPECT_FALSE((*ingest)->commit());
  EXPECT_FALSE(store_->contains(sha256_of(kContent)));
  EXPECT_TRUE(blob_files().empty());

  // The half that reached the disk is kept, re-hashed and resumed once space is back.
  fs_->faults.append_errno = 0;
  ingest->reset();
  auto resumed = store_->begin_ingest(by_sha256(kContent));
  ASSERT_TRUE(resumed);
  EXPECT_EQ((*resumed)->offset(), kContent.size() / 2);
  ASSERT_TRUE((*resumed)->write(bytes_of(std::string_view(kContent).substr(kContent.size() / 2))));
  ASSERT_TRUE((*resumed)->commit());
  EXPECT_EQ(read_blob(sha256_of(kContent)), kContent);
}

TEST_F(LocalBlobStoreTest, FailedSyncIsReportedAndDropsThePart) {
  fs_->faults.sync_errno = EIO;
  auto info = ingest(by_sha256(kContent), kContent);
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code, ErrorCode::kIo);
  EXPECT_TRUE(blob_files().empty());
  EXPECT_TRUE(part_files().empty());  // bytes whose fsync failed are not trusted for a resume
}

TEST_F(LocalBlobStoreTest, FailedRenameLeavesNoBlob) {
  fs_->faults.rename_errno = EIO;
  auto info = ingest(by_sha256(kContent), kContent);
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code, ErrorCode::kIo);
  EXPECT_FALSE(store_->contains(sha256_of(kContent)));
  EXPECT_TRUE(blob_files().empty());
}

TEST_F(LocalBlobStoreTest, FailedDirectorySyncFailsTheCommit) {
  fs_->faults.sync_directory_errno = EIO;
  auto info = ingest(by_sha256(kContent), kContent);
  ASSERT_FALSE(info);  // not durable yet: the caller must not record it in the catalog
  EXPECT_EQ(info.error().code, ErrorCode::kIo);
}

TEST_F(LocalBlobStoreTest, OpenAndRemoveOfMissingBlobAreNotFound) {
  auto opened = store_->open(sha256_of("never stored"));
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->remove(sha256_of("never stored")).error().code, ErrorCode::kNotFound);

  ASSERT_TRUE(ingest(by_sha256(kContent), kContent));
  ASSERT_TRUE(store_->remove(sha256_of(kContent)));
  EXPECT_FALSE(store_->contains(sha256_of(kContent)));
}

TEST_F(LocalBlobStoreTest, ForEachIgnoresFilesThatAreNotBlobs) {
  ASSERT_TRUE(ingest(by_sha256(kContent), kContent));
  const auto blobs = dir_.path() / "blobs" / "sha256";
  write_file(blobs / "README", "stray");
  const std::string misplaced = sha256_of("misplaced").hex();  // a digest name in the wrong place
  write_file(blobs / misplaced, "misplaced");
  std::vector<Sha256> listed;
  ASSERT_TRUE(
      store_->for_each([&](const Sha256& digest, std::uint64_t) { listed.push_back(digest); }));
  EXPECT_EQ(listed, std::vector{sha256_of(kContent)});
}

TEST_F(LocalBlobStoreTest, StoreRootCannotBeAFile) {
  write_file(dir_.path() / "file", "x");
  auto store = make_local_blob_store(dir_.path() / "file", make_posix_file_system());
  EXPECT_FALSE(store);
}

}  // namespace
}  // namespace mirrord
