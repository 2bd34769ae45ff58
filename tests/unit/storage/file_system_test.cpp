#include "storage/file_system.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <string>

#include "tests/unit/storage/temp_dir.hpp"

namespace mirrord {
namespace {

using testing::read_file;
using testing::TempDir;
using testing::write_file;

std::span<const std::byte> bytes_of(std::string_view text) {
  return std::as_bytes(std::span(text.data(), text.size()));
}

class PosixFileSystemTest : public ::testing::Test {
 protected:
  TempDir dir_;
  std::shared_ptr<FileSystem> fs_ = make_posix_file_system();
};

TEST_F(PosixFileSystemTest, AppendTruncatesUnlessAskedToKeep) {
  const auto path = dir_.path() / "f";
  write_file(path, "old");
  {
    auto file = fs_->open_for_append(path, /*keep=*/true);
    ASSERT_TRUE(file) << file.error().message;
    ASSERT_TRUE((*file)->append(bytes_of("+new")));
    ASSERT_TRUE((*file)->sync());
    ASSERT_TRUE((*file)->close());
  }
  EXPECT_EQ(read_file(path), "old+new");
  {
    auto file = fs_->open_for_append(path, /*keep=*/false);
    ASSERT_TRUE(file);
    ASSERT_TRUE((*file)->append(bytes_of("fresh")));
    ASSERT_TRUE((*file)->close());
  }
  EXPECT_EQ(read_file(path), "fresh");
}

// Past the early-writeback step (32 MiB), on a kept file: every byte lands once, in order.
TEST_F(PosixFileSystemTest, LargeAppendsAcrossAResumeKeepEveryByte) {
  const auto path = dir_.path() / "large";
  std::string chunk(1 << 20, '\0');
  std::string expected;
  for (int part = 0; part < 2; ++part) {
    auto file = fs_->open_for_append(path, /*keep=*/part > 0);
    ASSERT_TRUE(file) << file.error().message;
    for (int i = 0; i < 24; ++i) {
      std::fill(chunk.begin(), chunk.end(), static_cast<char>('a' + (part * 24 + i) % 26));
      ASSERT_TRUE((*file)->append(bytes_of(chunk)));
      expected += chunk;
    }
    ASSERT_TRUE((*file)->sync());
    ASSERT_TRUE((*file)->close());
  }
  EXPECT_TRUE(read_file(path) == expected);
}

TEST_F(PosixFileSystemTest, OpenInMissingDirectoryIsNotFound) {
  auto file = fs_->open_for_append(dir_.path() / "missing" / "f", false);
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().code, ErrorCode::kNotFound);
}

TEST_F(PosixFileSystemTest, ReadChunksDeliversEveryByteInOrder) {
  std::string content;
  for (int i = 0; content.size() < 2'500'000; ++i) {  // spans several read chunks
    content += std::to_string(i) + ",";
  }
  write_file(dir_.path() / "big", content);
  std::string seen;
  int chunks = 0;
  ASSERT_TRUE(fs_->read_chunks(dir_.path() / "big", [&](std::span<const std::byte> chunk) {
    seen.append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
    ++chunks;
  }));
  EXPECT_EQ(seen, content);
  EXPECT_GT(chunks, 1);

  auto missing = fs_->read_chunks(dir_.path() / "nope", [](auto) {});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_F(PosixFileSystemTest, FileSizeOfMissingFileIsNotFound) {
  write_file(dir_.path() / "five", "12345");
  auto size = fs_->file_size(dir_.path() / "five");
  ASSERT_TRUE(size);
  EXPECT_EQ(*size, 5u);
  auto missing = fs_->file_size(dir_.path() / "nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_F(PosixFileSystemTest, RenameMovesAndRemoveDeletes) {
  write_file(dir_.path() / "a", "x");
  ASSERT_TRUE(fs_->create_directories(dir_.path() / "b" / "c"));
  ASSERT_TRUE(fs_->rename(dir_.path() / "a", dir_.path() / "b" / "c" / "a"));
  ASSERT_TRUE(fs_->sync_directory(dir_.path() / "b" / "c"));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "a"));
  EXPECT_EQ(read_file(dir_.path() / "b" / "c" / "a"), "x");

  ASSERT_TRUE(fs_->remove(dir_.path() / "b" / "c" / "a"));
  auto again = fs_->remove(dir_.path() / "b" / "c" / "a");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kNotFound);

  auto renamed_missing = fs_->rename(dir_.path() / "nope", dir_.path() / "x");
  ASSERT_FALSE(renamed_missing);
  EXPECT_EQ(renamed_missing.error().code, ErrorCode::kNotFound);
}

TEST_F(PosixFileSystemTest, SyncOfMissingDirectoryFails) {
  auto synced = fs_->sync_directory(dir_.path() / "nope");
  ASSERT_FALSE(synced);
  EXPECT_EQ(synced.error().code, ErrorCode::kNotFound);
}

TEST_F(PosixFileSystemTest, CreateDirectoriesUnderAFileFails) {
  write_file(dir_.path() / "file", "x");
  auto created = fs_->create_directories(dir_.path() / "file" / "sub");
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, ErrorCode::kIo);
}

TEST_F(PosixFileSystemTest, FreeSpaceOfExistingAndMissingPaths) {
  auto free = fs_->free_space(dir_.path());
  ASSERT_TRUE(free) << free.error().message;
  EXPECT_GT(*free, 0u);
  auto missing = fs_->free_space(dir_.path() / "nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST(ErrnoErrorTest, MapsErrnoToErrorCodes) {
  EXPECT_EQ(errno_error(ENOSPC, "write").code, ErrorCode::kNoSpace);
  EXPECT_EQ(errno_error(EDQUOT, "write").code, ErrorCode::kNoSpace);
  EXPECT_EQ(errno_error(ENOENT, "open").code, ErrorCode::kNotFound);
  const Error denied = errno_error(EACCES, "open /x");
  EXPECT_EQ(denied.code, ErrorCode::kIo);
  EXPECT_NE(denied.message.find("open /x"), std::string::npos);
  EXPECT_NE(denied.message.find("ermission denied"), std::string::npos);
}

}  // namespace
}  // namespace mirrord
