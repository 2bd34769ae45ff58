// Content negotiation of index pages (daemon/pypi/pypi_negotiate.hpp).
#include <gtest/gtest.h>

#include "daemon/pypi/pypi_negotiate.hpp"

namespace mirrord::pypi {
namespace {

constexpr const char* kPip =
    "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, "
    "text/html; q=0.01";
constexpr const char* kUv =
    "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, "
    "text/html;q=0.01";

std::optional<PageFormat> pick(std::optional<std::string_view> accept,
                               std::optional<std::string_view> format = std::nullopt) {
  return negotiate_format(accept, format);
}

TEST(PypiNegotiateTest, ClientsGetWhatTheyPrefer) {
  EXPECT_EQ(pick(kPip), PageFormat::kJson);
  EXPECT_EQ(pick(kUv), PageFormat::kJson);
  EXPECT_EQ(pick("application/vnd.pypi.simple.latest+json"), PageFormat::kJson);
  EXPECT_EQ(pick("application/vnd.pypi.simple.latest+html"), PageFormat::kHtml);
  EXPECT_EQ(pick("text/html"), PageFormat::kTextHtml);
  EXPECT_EQ(pick("TEXT/HTML;charset=utf-8"), PageFormat::kTextHtml);
  EXPECT_EQ(pick("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
            PageFormat::kTextHtml);
  EXPECT_EQ(pick("text/html;q=0.5, application/vnd.pypi.simple.v1+html;q=0.6"), PageFormat::kHtml);
}

TEST(PypiNegotiateTest, WildcardsAndMissingHeaderGetTextHtml) {
  EXPECT_EQ(pick(std::nullopt), PageFormat::kTextHtml);
  EXPECT_EQ(pick("*/*"), PageFormat::kTextHtml);
  EXPECT_EQ(pick("text/*"), PageFormat::kTextHtml);
  // Equal q: an exact type is preferred over what a wildcard allows.
  EXPECT_EQ(pick("*/*, application/vnd.pypi.simple.v1+json"), PageFormat::kJson);
  // A more specific entry overrides a wildcard, also to exclude a type.
  EXPECT_EQ(pick("*/*, text/html;q=0, application/vnd.pypi.simple.v1+html;q=0"), PageFormat::kJson);
}

TEST(PypiNegotiateTest, NothingAcceptableIsNullopt) {
  EXPECT_FALSE(pick("application/xml").has_value());
  EXPECT_FALSE(pick("application/json").has_value());
  EXPECT_FALSE(pick("application/vnd.pypi.simple.v2+json").has_value());
  EXPECT_FALSE(pick("text/html;q=0").has_value());
  EXPECT_FALSE(pick("text/html;q=2").has_value());  // malformed q: the entry is ignored
  EXPECT_FALSE(pick("text/html;q=abc").has_value());
  EXPECT_FALSE(pick("").has_value());
  EXPECT_FALSE(pick(",,;;,").has_value());
}

TEST(PypiNegotiateTest, FormatParameterOverridesAccept) {
  EXPECT_EQ(pick("text/html", "application/vnd.pypi.simple.v1+json"), PageFormat::kJson);
  EXPECT_EQ(pick(kPip, "text/html"), PageFormat::kTextHtml);
  EXPECT_FALSE(pick(kPip, "application/xml").has_value());
}

TEST(PypiNegotiateTest, ContentTypesAreConcrete) {
  EXPECT_STREQ(content_type_of(PageFormat::kJson), "application/vnd.pypi.simple.v1+json");
  EXPECT_STREQ(content_type_of(PageFormat::kHtml), "application/vnd.pypi.simple.v1+html");
  EXPECT_STREQ(content_type_of(PageFormat::kTextHtml), "text/html");
}

}  // namespace
}  // namespace mirrord::pypi
