#include "storage/text.hpp"

#include <gtest/gtest.h>

namespace mirrord {
namespace {

TEST(TrimAnyTest, RemovesOnlyTheGivenCharactersAtBothEnds) {
  EXPECT_EQ(trim_any(" \tvalue x\t ", kBlanks), "value x");
  EXPECT_EQ(trim_any("\r\nvalue\r\n", kBlanks), "\r\nvalue\r\n");
  EXPECT_EQ(trim_any("\r\n value \v", kAsciiSpace), "value");
  EXPECT_EQ(trim_any("\v href \f", kHtmlSpace), "\v href");
}

TEST(TrimAnyTest, AllOrNothingToTrim) {
  EXPECT_EQ(trim_any(" \t ", kBlanks), "");
  EXPECT_EQ(trim_any("", kBlanks), "");
  EXPECT_EQ(trim_any("x", kBlanks), "x");
}

}  // namespace
}  // namespace mirrord
