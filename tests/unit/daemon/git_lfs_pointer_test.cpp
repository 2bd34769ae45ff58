// Git LFS pointer parsing (daemon/git/git_lfs_pointer.hpp): only the canonical form.
#include <gtest/gtest.h>

#include "daemon/git/git_lfs_pointer.hpp"

namespace mirrord::git {
namespace {

constexpr const char* kOid = "f1f5670354ac4c96b0a5b3ca36af9e2f93dc5a91950af746017c3435036e0af2";

TEST(GitLfsPointerTest, ParsesWhatLfsPointerTextWrites) {
  const Sha256 oid = *Sha256::from_hex(kOid);
  for (std::uint64_t size : {std::uint64_t{0}, std::uint64_t{189680}, std::uint64_t{988097824}}) {
    const auto pointer = parse_lfs_pointer(lfs_pointer_text(oid, size));
    ASSERT_TRUE(pointer.has_value()) << size;
    EXPECT_EQ(pointer->oid, oid);
    EXPECT_EQ(pointer->size, size);
  }
}

TEST(GitLfsPointerTest, RefusesEverythingElse) {
  const std::string version = "version https://git-lfs.github.com/spec/v1\n";
  const std::string oid_line = std::string("oid sha256:") + kOid + "\n";
  for (const std::string& text : {
           std::string(),
           version,
           version + oid_line,                 // no size
           version + oid_line + "size 12",     // no final LF
           version + oid_line + "size 012\n",  // leading zero
           version + oid_line + "size -1\n",
           version + oid_line + "size 99999999999999999999\n",  // overflow
           version + oid_line + "size 1e3\n",
           version + oid_line + "size 12\nextra 1\n",  // trailing key
           version + "size 12\n" + oid_line,           // wrong order
           version + "oid sha256:" + std::string(kOid).substr(1) + "\n" + "size 1\n",
           version + "oid sha256:" + std::string(64, 'F') + "\n" + "size 1\n",  // upper case
           version + "oid md5:" + kOid + "\nsize 1\n",
           "version https://hawser.github.com/spec/v1\n" + oid_line + "size 1\n",
           "version https://git-lfs.github.com/spec/v1\r\n" + oid_line + "size 1\n",
           version + oid_line + "size 1\n" + std::string(1100, 'x'),
       }) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(parse_lfs_pointer(text).has_value());
  }
}

}  // namespace
}  // namespace mirrord::git
