#include "daemon/apt/clearsign.hpp"

#include <gtest/gtest.h>

namespace mirrord::apt {
namespace {

constexpr const char* kSignature =
    "-----BEGIN PGP SIGNATURE-----\n\niHUEARYIAB0WIQTNzfoP\n=ojmc\n-----END PGP SIGNATURE-----\n";

std::string message(const std::string& text) {
  return "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n" + text + kSignature;
}

TEST(AptClearsign, SplitsTextAndUndoesDashEscaping) {
  const auto split = split_clearsigned(message("Origin: X\n- -dash line\n\nlast \n"));
  ASSERT_TRUE(split.ok()) << split.error().message;
  EXPECT_EQ(split->text, "Origin: X\n-dash line\n\nlast \n");
  EXPECT_EQ(split->signature, kSignature);
  ASSERT_EQ(split->hash_algorithms.size(), 1u);
  EXPECT_EQ(split->hash_algorithms[0], "SHA256");
  EXPECT_EQ(without_trailing_blanks(split->text), "Origin: X\n-dash line\n\nlast\n");
}

TEST(AptClearsign, AllowsBlankLinesAroundAndCrLf) {
  std::string crlf = "\n\r\n-----BEGIN PGP SIGNED MESSAGE-----\r\nHash: SHA512\r\n\r\nA: 1\r\n" +
                     std::string(kSignature) + "\n  \n";
  const auto split = split_clearsigned(crlf);
  ASSERT_TRUE(split.ok()) << split.error().message;
  EXPECT_EQ(split->text, "A: 1\n");
}

TEST(AptClearsign, RefusesTextAfterTheSignature) {
  const auto split = split_clearsigned(message("A: 1\n") + "Origin: forged\n");
  ASSERT_FALSE(split.ok());
  EXPECT_NE(split.error().message.find("after the signature"), std::string::npos);
}

TEST(AptClearsign, RefusesTextBeforeTheMessage) {
  const auto split = split_clearsigned("Origin: forged\n\n" + message("A: 1\n"));
  ASSERT_FALSE(split.ok());
  EXPECT_NE(split.error().message.find("before"), std::string::npos);
}

TEST(AptClearsign, RefusesASecondMessage) {
  EXPECT_FALSE(split_clearsigned(message("A: 1\n") + message("A: 2\n")).ok());
  // A nested BEGIN line inside the text is an unescaped dash line.
  EXPECT_FALSE(split_clearsigned(message("-----BEGIN PGP SIGNED MESSAGE-----\nA: 1\n")).ok());
}

TEST(AptClearsign, RefusesBrokenStructure) {
  EXPECT_FALSE(split_clearsigned("").ok());
  EXPECT_FALSE(split_clearsigned("A: 1\n").ok());
  EXPECT_FALSE(
      split_clearsigned("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nA: 1\n").ok());
  EXPECT_FALSE(split_clearsigned("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n").ok());
  EXPECT_FALSE(split_clearsigned("-----BEGIN PGP SIGNED MESSAGE-----\nComment: x\n\nA: 1\n" +
                                 std::string(kSignature))
                   .ok());
  EXPECT_FALSE(split_clearsigned(message("A: 1\n").substr(0, message("A: 1\n").size() - 10)).ok());
  EXPECT_FALSE(split_clearsigned(message(std::string("A: \0\n", 5))).ok());
  EXPECT_FALSE(split_clearsigned("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nA: 1\n"
                                 "-----BEGIN PGP SIGNATURE-----\n-----BEGIN PGP SIGNATURE-----\n")
                   .ok());
}

}  // namespace
}  // namespace mirrord::apt
