#include "daemon/apt/release.hpp"

#include <gtest/gtest.h>

#include "daemon/apt/release_date.hpp"

namespace mirrord::apt {
namespace {

const std::string kPlain = std::string(64, 'a');
const std::string kXz = std::string(64, 'b');

std::string release_text(const std::string& extra = "") {
  return "Origin: Debian\nLabel: Debian\nSuite: oldstable\nCodename: bookworm\n"
         "Date: Sat, 10 Jun 2023 09:24:55 UTC\nValid-Until: Sat, 17 Jun 2023 09:24:55 UTC\n"
         "Acquire-By-Hash: yes\nArchitectures: all amd64\nComponents: main contrib\n"
         "Signed-By: 4D64FEC119C2029067D6E791F8D2585B8783D481\n"
         "No-Support-for-Architecture-all: Packages\n"
         "MD5Sum:\n 0123456789abcdef0123456789abcdef 498 main/binary-amd64/Packages\n"
         "SHA256:\n " +
         kPlain + "    498 main/binary-amd64/Packages\n " + kXz +
         " 452 main/binary-amd64/Packages.xz\n" + extra;
}

TEST(AptReleaseDate, ParsesTheFormsArchivesWrite) {
  EXPECT_EQ(parse_release_date("Sat, 10 Jun 2023 09:24:55 UTC"), 1686389095);
  EXPECT_EQ(parse_release_date("Sat, 10 Jun 2023 09:24:55 +0000"), 1686389095);
  EXPECT_EQ(parse_release_date("10 Jun 2023 11:24:55 +0200"), 1686389095);
  EXPECT_EQ(parse_release_date("Sat, 10 Jun 2023 04:24:55 -0500"), 1686389095);
  EXPECT_EQ(parse_release_date("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
  EXPECT_FALSE(parse_release_date("2023-06-10T09:24:55Z"));
  EXPECT_FALSE(parse_release_date("Sat, 10 Juni 2023 09:24:55 UTC"));
  EXPECT_FALSE(parse_release_date("Sat, 10 Jun 2023 25:24:55 UTC"));
  EXPECT_FALSE(parse_release_date("Sat, 10 Jun 2023 09:24:55 CEST"));
  EXPECT_FALSE(parse_release_date(""));
}

TEST(AptReleaseDate, FormatsAsDebianDoes) {
  EXPECT_EQ(format_release_date(1686389095), "Sat, 10 Jun 2023 09:24:55 UTC");
  EXPECT_EQ(parse_release_date(format_release_date(1795901878)), 1795901878);
}

TEST(AptRelease, ParsesFieldsAndChecksums) {
  const auto info = parse_release(
      release_text("SHA512:\n " + std::string(128, 'c') + " 452 main/binary-amd64/Packages.xz\n"));
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->suite, "oldstable");
  EXPECT_EQ(info->codename, "bookworm");
  EXPECT_EQ(info->date, 1686389095);
  EXPECT_EQ(info->valid_until, 1686389095 + 7 * 86400);
  EXPECT_TRUE(info->acquire_by_hash);
  EXPECT_TRUE(info->no_arch_all_packages);
  EXPECT_EQ(info->components, (std::vector<std::string>{"main", "contrib"}));
  ASSERT_EQ(info->entries.size(), 2u);
  const ReleaseEntry& xz = info->entries.at("main/binary-amd64/Packages.xz");
  EXPECT_EQ(xz.size, 452u);
  EXPECT_EQ(xz.sha256.hex(), kXz);
  EXPECT_EQ(xz.sha512, std::string(128, 'c'));
  EXPECT_FALSE(info->entries.at("main/binary-amd64/Packages").sha512);
}

TEST(AptRelease, RefusesWeakOrMalformedReleases) {
  EXPECT_FALSE(parse_release("Origin: X\nDate: Sat, 10 Jun 2023 09:24:55 UTC\n"
                             "MD5Sum:\n 0123456789abcdef0123456789abcdef 1 a\n")
                   .ok());                                                        // no SHA256
  EXPECT_FALSE(parse_release("Origin: X\nSHA256:\n " + kPlain + " 1 a\n").ok());  // no Date
  EXPECT_FALSE(parse_release(release_text() + "\nOrigin: second stanza\n").ok());
  EXPECT_FALSE(parse_release(release_text(" " + kPlain + " 1 ../../etc/passwd\n")).ok());
  EXPECT_FALSE(parse_release(release_text(" " + kPlain + " 1 /abs\n")).ok());
  EXPECT_FALSE(parse_release(release_text(" " + kPlain + " x main/y\n")).ok());
  EXPECT_FALSE(parse_release(release_text(" ABC 1 main/y\n")).ok());
  EXPECT_FALSE(parse_release(release_text(" " + kPlain + " 5 main/binary-amd64/Packages\n")).ok());
  EXPECT_FALSE(parse_release(release_text("SHA512:\n " + std::string(128, 'c') +
                                          " 453 main/binary-amd64/Packages.xz\n"))
                   .ok());  // sizes disagree
}

TEST(AptRelease, ResignedTextReplacesDatesAndDropsSignedBy) {
  const auto text = resigned_release_text(release_text(), 1700000000, 1700604800);
  ASSERT_TRUE(text.ok()) << text.error().message;
  EXPECT_NE(text->find("Date: " + format_release_date(1700000000) +
                       "\nValid-Until: " + format_release_date(1700604800) + "\n"),
            std::string::npos);
  EXPECT_EQ(text->find("Signed-By"), std::string::npos);
  EXPECT_EQ(text->find("09:24:55"), std::string::npos);
  const auto reparsed = parse_release(*text);
  ASSERT_TRUE(reparsed.ok()) << reparsed.error().message;
  const auto original = parse_release(release_text());
  EXPECT_EQ(reparsed->origin, original->origin);
  EXPECT_EQ(reparsed->suite, original->suite);
  EXPECT_EQ(reparsed->codename, original->codename);
  EXPECT_EQ(reparsed->entries.size(), original->entries.size());
  EXPECT_EQ(reparsed->date, 1700000000);
  EXPECT_EQ(reparsed->valid_until, 1700604800);
}

TEST(AptRelease, ResignedTextAddsValidUntilAndDropsMultiLineSignedBy) {
  const std::string text =
      "Origin: X\nSigned-By:\n AAAA\n BBBB\nDate: Sat, 10 Jun 2023 09:24:55 UTC\n"
      "SHA256:\n " +
      kPlain + " 1 main/a\n";
  const auto resigned = resigned_release_text(text, 10, 20);
  ASSERT_TRUE(resigned.ok());
  EXPECT_EQ(*resigned, "Origin: X\nDate: " + format_release_date(10) + "\nValid-Until: " +
                           format_release_date(20) + "\nSHA256:\n " + kPlain + " 1 main/a\n");
  EXPECT_FALSE(resigned_release_text("Origin: X\n", 1, 2).ok());
}

TEST(AptRelease, SafeRelativePaths) {
  EXPECT_TRUE(is_safe_relative_path("pool/main/c/curl/curl_7.88.1-10+deb12u5_amd64.deb"));
  EXPECT_TRUE(is_safe_relative_path("main/binary-amd64/by-hash/SHA256/abc"));
  for (const char* bad : {"", "/etc/passwd", "a/../b", "a//b", "a/./b", "..", ".upstream/x", "a/b/",
                          "a\\b", "a b", "a?b", "a#b"}) {
    EXPECT_FALSE(is_safe_relative_path(bad)) << bad;
  }
  EXPECT_FALSE(is_safe_relative_path(std::string("a\0b", 3)));
}

}  // namespace
}  // namespace mirrord::apt
