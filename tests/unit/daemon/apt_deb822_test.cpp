#include "daemon/apt/deb822.hpp"

#include <gtest/gtest.h>

namespace mirrord::apt {
namespace {

TEST(AptDeb822, ParsesStanzasFieldsAndContinuations) {
  const auto stanzas = parse_deb822(
      "Package: hello\nVersion: 1.0\nDescription: short\n long line\n .\n\n\n"
      "# a comment\nPackage: world\nsha256:\n abc 1 main/Packages\n def 2 main/Packages.xz\n");
  ASSERT_TRUE(stanzas.ok()) << stanzas.error().message;
  ASSERT_EQ(stanzas->size(), 2u);
  EXPECT_EQ((*stanzas)[0].get("package"), "hello");
  EXPECT_EQ((*stanzas)[0].get("Description"), "short\nlong line\n.");
  EXPECT_EQ((*stanzas)[0].first_line(), 1u);
  EXPECT_EQ((*stanzas)[1].first_line(), 9u);
  const auto lines = value_lines(*(*stanzas)[1].get("SHA256"));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1], "def 2 main/Packages.xz");
  EXPECT_EQ(split_words(lines[1]).size(), 3u);
  EXPECT_FALSE((*stanzas)[1].get("Version"));
}

TEST(AptDeb822, TrimsValuesAndAcceptsCrLf) {
  const auto stanzas = parse_deb822("A:  x y \r\nB:\r\n");
  ASSERT_TRUE(stanzas.ok()) << stanzas.error().message;
  EXPECT_EQ((*stanzas)[0].get("A"), "x y");
  EXPECT_EQ((*stanzas)[0].get("B"), "");
}

TEST(AptDeb822, RefusesDuplicateFieldsCaseInsensitively) {
  const auto stanzas = parse_deb822("Package: a\npackage: b\n");
  ASSERT_FALSE(stanzas.ok());
  EXPECT_NE(stanzas.error().message.find("line 2"), std::string::npos);
}

TEST(AptDeb822, RefusesContinuationWithoutField) {
  EXPECT_FALSE(parse_deb822(" orphan\n").ok());
  EXPECT_FALSE(parse_deb822("A: 1\n\n continued after a blank line\n").ok());
}

TEST(AptDeb822, RefusesMalformedLines) {
  EXPECT_FALSE(parse_deb822("no colon here\n").ok());
  EXPECT_FALSE(parse_deb822(": empty name\n").ok());
  EXPECT_FALSE(parse_deb822("-Dash: x\n").ok());
  EXPECT_FALSE(parse_deb822(std::string("A: x\0y\n", 7)).ok());
}

TEST(AptDeb822, EnforcesLimits) {
  Deb822Limits limits;
  limits.max_line_bytes = 16;
  EXPECT_TRUE(parse_deb822("A: short\n", limits).ok());
  EXPECT_FALSE(parse_deb822("A: a line longer than sixteen\n", limits).ok());
  limits = {};
  limits.max_fields_per_stanza = 2;
  EXPECT_TRUE(parse_deb822("A: 1\nB: 2\n\nC: 3\n", limits).ok());
  EXPECT_FALSE(parse_deb822("A: 1\nB: 2\nC: 3\n", limits).ok());
  limits = {};
  limits.max_stanza_bytes = 20;
  EXPECT_FALSE(parse_deb822("A: 1\n 2222222222\n 3333333333\n", limits).ok());
}

TEST(AptDeb822, CallbackErrorStopsParsing) {
  int seen = 0;
  const Status status = for_each_deb822_stanza("A: 1\n\nA: 2\n\nA: 3\n", {}, [&](const auto&) {
    ++seen;
    return seen == 2 ? Status(make_error(ErrorCode::kConflict, "stop")) : Status{};
  });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kConflict);
  EXPECT_EQ(seen, 2);
}

}  // namespace
}  // namespace mirrord::apt
