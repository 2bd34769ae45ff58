#include "storage/digest.hpp"

#include <gtest/gtest.h>

#include <string>

#include "tests/unit/storage/temp_dir.hpp"

namespace mirrord {
namespace {

const std::string kQwenSmall =
    std::string(MIRRORD_TEST_DATA) + "/hf/repos/Qwen/Qwen2.5-0.5B-Instruct";

std::span<const std::byte> bytes_of(std::string_view text) {
  return std::as_bytes(std::span(text.data(), text.size()));
}

TEST(DigestTest, Sha256OfKnownStrings) {
  EXPECT_EQ(sha256_of("").hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_of("abc").hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(DigestTest, GitBlobOidOfKnownStrings) {
  EXPECT_EQ(git_blob_oid_of("").hex(), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
  EXPECT_EQ(git_blob_oid_of("hello world\n").hex(), "3b18e512dba79e4c8300dd08aeb37f8e728b8dad");
}

TEST(DigestTest, FixtureConfigJsonHasUpstreamGitOid) {
  const std::string content = testing::read_file(kQwenSmall + "/config.json");
  EXPECT_EQ(git_blob_oid_of(content).hex(), "e9e9555b7038faff90a6e8143f863595d30c27ad");
}

TEST(DigestTest, FixtureSafetensorsHashedInPiecesMatchesLfsOid) {
  const std::string content = testing::read_file(kQwenSmall + "/model.safetensors");
  Sha256Hasher hasher;
  GitBlobHasher git(content.size());
  for (std::size_t at = 0; at < content.size(); at += 4093) {  // odd chunks cross block bounds
    const auto piece = std::string_view(content).substr(at, 4093);
    hasher.update(bytes_of(piece));
    git.update(bytes_of(piece));
  }
  const Sha256 digest = hasher.finish();
  EXPECT_EQ(digest.hex(), "f1f5670354ac4c96b0a5b3ca36af9e2f93dc5a91950af746017c3435036e0af2");
  EXPECT_EQ(git.finish(), git_blob_oid_of(content));
}

TEST(DigestTest, LfsPointerMatchesUpstreamTreeOid) {
  const auto oid =
      *Sha256::from_hex("f1f5670354ac4c96b0a5b3ca36af9e2f93dc5a91950af746017c3435036e0af2");
  const std::string pointer = lfs_pointer_text(oid, 189680);
  EXPECT_EQ(pointer,
            "version https://git-lfs.github.com/spec/v1\n"
            "oid sha256:f1f5670354ac4c96b0a5b3ca36af9e2f93dc5a91950af746017c3435036e0af2\n"
            "size 189680\n");
  EXPECT_EQ(pointer.size(), 131u);
  EXPECT_EQ(lfs_pointer_oid(oid, 189680).hex(), "eef48b4141df6ea0c316625d30d40a234d5a403a");
  EXPECT_NE(lfs_pointer_oid(oid, 189681).hex(), "eef48b4141df6ea0c316625d30d40a234d5a403a");
}

TEST(DigestTest, GitBlobHasherRefusesFewerOrMoreBytesThanDeclared) {
  GitBlobHasher short_feed(6);
  short_feed.update(bytes_of("hello"));
  EXPECT_EQ(short_feed.finish(), std::nullopt);

  GitBlobHasher long_feed(4);
  long_feed.update(bytes_of("hello"));
  EXPECT_EQ(long_feed.finish(), std::nullopt);

  GitBlobHasher exact(5);
  exact.update(bytes_of("hello"));
  EXPECT_EQ(exact.finish(), git_blob_oid_of("hello"));
}

TEST(DigestTest, MovedHasherKeepsItsState) {
  Sha256Hasher first;
  first.update(std::string_view("ab"));
  Sha256Hasher second = std::move(first);
  second.update(std::string_view("c"));
  EXPECT_EQ(second.finish(), sha256_of("abc"));
}

TEST(DigestTest, FromHexAcceptsEitherCaseAndPrintsLowerCase) {
  const auto upper =
      Sha256::from_hex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
  ASSERT_TRUE(upper.has_value());
  EXPECT_EQ(*upper, sha256_of("abc"));
  EXPECT_EQ(upper->hex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

  const auto oid = GitOid::from_hex("E69DE29BB2D1D6434B8B29AE775AD8C2E48C5391");
  ASSERT_TRUE(oid.has_value());
  EXPECT_EQ(*oid, git_blob_oid_of(""));
}

TEST(DigestTest, FromHexRejectsBadInput) {
  const std::string good = sha256_of("abc").hex();
  EXPECT_FALSE(Sha256::from_hex(""));
  EXPECT_FALSE(Sha256::from_hex(good.substr(1)));        // 63 characters
  EXPECT_FALSE(Sha256::from_hex(good + "0"));            // 65 characters
  EXPECT_FALSE(Sha256::from_hex("g" + good.substr(1)));  // not hex
  EXPECT_FALSE(Sha256::from_hex(" " + good.substr(1)));  // whitespace
  EXPECT_FALSE(Sha256::from_hex(good.substr(0, 63) + std::string(1, '\0')));
  EXPECT_FALSE(GitOid::from_hex(good));  // a sha256 is not a git oid
  EXPECT_FALSE(GitOid::from_hex("e69de29bb2d1d6434b8b29ae775ad8c2e48c539z"));
  EXPECT_TRUE(GitOid::from_hex("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"));
}

TEST(DigestTest, DigestsCompareByBytes) {
  EXPECT_EQ(sha256_of("a"), sha256_of("a"));
  EXPECT_NE(sha256_of("a"), sha256_of("b"));
  EXPECT_EQ(Sha256().hex(), std::string(64, '0'));
  EXPECT_NE(git_blob_oid_of("a"), git_blob_oid_of("b"));
}

}  // namespace
}  // namespace mirrord
