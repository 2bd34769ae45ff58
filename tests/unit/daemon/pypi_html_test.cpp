// Reading PEP 503 pages, including hostile markup (daemon/pypi/html_scan.hpp, simple_html.hpp).
#include <chrono>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/pypi/html_scan.hpp"
#include "daemon/pypi/html_text.hpp"
#include "daemon/pypi/simple_html.hpp"

namespace mirrord::pypi {
namespace {

using ::testing::HasSubstr;

constexpr const char* kPage = "https://download.pytorch.org/whl/cu124/torch/";
const std::string kHash(64, 'a');

UpstreamPage read(const std::string& html, const char* page = kPage) {
  auto result = read_html_page(html, page);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
  return result.ok() ? std::move(result).value() : UpstreamPage{};
}

TEST(HtmlScanTest, ReadsAnchorsAttributesAndEntities) {
  const HtmlScan scan = scan_html(
      "<!DOCTYPE html><html><head><meta name=\"pypi:repository-version\" content=\"1.1\">"
      "<base href='/whl/'></head><body>\n"
      "<A HREF=\"a.whl\" data-requires-python=\"&gt;=3.8,&lt;4&#x21;&#33;\" DATA-YANKED>"
      "  a&amp;b.whl </a>\n"
      "<a href=b.whl data-yanked=\"bad &quot;build&quot;\">b.whl</a>"
      "<a name=\"anchor-without-href\">x</a>"
      "<a href=\"first\" href=\"second\">c</a>"
      "</body></html>");
  ASSERT_EQ(scan.anchors.size(), 3u);
  EXPECT_FALSE(scan.truncated);
  EXPECT_EQ(scan.repository_version.value_or(""), "1.1");
  EXPECT_EQ(scan.base_href.value_or(""), "/whl/");
  EXPECT_EQ(*scan.anchors[0].attribute("href"), "a.whl");
  EXPECT_EQ(*scan.anchors[0].attribute("data-requires-python"), ">=3.8,<4!!");
  EXPECT_EQ(*scan.anchors[0].attribute("data-yanked"), "");
  EXPECT_EQ(scan.anchors[0].text, "a&b.whl");
  EXPECT_EQ(*scan.anchors[1].attribute("data-yanked"), "bad \"build\"");
  EXPECT_EQ(*scan.anchors[2].attribute("href"), "first");  // the first of repeated attributes
}

TEST(HtmlScanTest, SkipsCommentsScriptsAndStrayMarkup) {
  const HtmlScan scan = scan_html(
      "<!-- <a href=\"in-comment.whl\">x</a> -->"
      "<script>var s = '<a href=\"in-script.whl\">';</script>"
      "<style>a{}</style>"
      "1 < 2 <> <3 </ notatag>"
      "<a href=\"real.whl\">real.whl</a><!--TIMESTAMP 1730000000-->");
  ASSERT_EQ(scan.anchors.size(), 1u);
  EXPECT_EQ(*scan.anchors[0].attribute("href"), "real.whl");
  EXPECT_FALSE(scan.truncated);
}

TEST(HtmlScanTest, BrokenMarkupStopsTheScanWithoutInventingLinks) {
  for (const std::string html :
       {"<a href=\"ok.whl\">ok</a><a href=\"unterminated.whl>x</a><a href=after.whl>y</a>",
        "<a href=\"ok.whl\">ok</a><!-- unterminated comment <a href=\"after.whl\">",
        "<a href=\"ok.whl\">ok</a><a href=\"x.whl\"", "<a href=\"ok.whl\">ok</a><a"}) {
    SCOPED_TRACE(html);
    const HtmlScan scan = scan_html(html);
    EXPECT_TRUE(scan.truncated);
    ASSERT_EQ(scan.anchors.size(), 1u);
    EXPECT_EQ(*scan.anchors[0].attribute("href"), "ok.whl");
  }
}

TEST(HtmlScanTest, HugeHostilePagesCostLinearTime) {
  // Each of these would be quadratic for a scanner that rescans from every '<'.
  const std::string many_lt(8 << 20, '<');
  const std::string many_tags = [] {
    std::string page;
    for (int i = 0; i < 300000; ++i) {
      page += "<a href=x" + std::to_string(i) + ".whl data-x='&amp;&#99999999999;'>t</a>";
    }
    return page;
  }();
  std::string many_attributes = "<a href=h";
  for (int i = 0; i < 200000; ++i) {
    many_attributes += " data-" + std::to_string(i) + "=v";
  }
  many_attributes += ">x</a>";
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(scan_html(many_lt).anchors.empty());
  const HtmlScan tags = scan_html(many_tags);
  EXPECT_EQ(tags.anchors.size(), kMaxHtmlAnchors);
  EXPECT_TRUE(tags.truncated);
  const HtmlScan attributes = scan_html(many_attributes);
  ASSERT_EQ(attributes.anchors.size(), 1u);
  EXPECT_EQ(attributes.anchors[0].attributes.size(), kMaxHtmlAttributes);
  // Quadratic work on these inputs would take hours; linear work takes seconds even under ASan.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(120));
}

TEST(HtmlTextTest, DecodesAndEscapes) {
  EXPECT_EQ(decode_entities("&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#X43;"), "<>&\"'ABC");
  EXPECT_EQ(decode_entities("&#0;&#xD800;&#x110000;"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(decode_entities("&unknown; &amp &#; &#xZZ; & ;"), "&unknown; &amp &#; &#xZZ; & ;");
  EXPECT_EQ(decode_entities("&#128512;"), "\xF0\x9F\x98\x80");
  EXPECT_EQ(escape_html("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
}

TEST(HtmlPageTest, ReadsPyTorchStyleLinks) {
  const UpstreamPage page = read(
      "<html><body><h1>Links for torch</h1>\n"
      "<a href=\"/whl/cu124/torch-2.4.0%2Bcu124-cp312-cp312-linux_x86_64.whl#sha256=" +
      kHash + "\" data-dist-info-metadata=\"sha256=" + kHash +
      "\" data-core-metadata=\"sha256=" + kHash +
      "\" data-upload-time=\"2024-07-24T18:00:00Z\">torch-2.4.0+cu124-cp312-cp312-linux_x86_64.whl"
      "</a><br/>\n"
      "<a href=\"https://download-r2.pytorch.org/whl/torch-2.5.0-cp312-none-any.whl\">"
      "torch-2.5.0-cp312-none-any.whl</a><br/>\n"
      "<a href=\"torch-2.3.0.tar.gz#md5=0123\" data-requires-python=\"&gt;=3.8\" "
      "data-yanked=\"broken\">torch-2.3.0.tar.gz</a>\n"
      "</body></html>\n<!--TIMESTAMP 1730000000-->");
  ASSERT_EQ(page.files.size(), 3u);
  EXPECT_TRUE(page.problems.empty());
  const UpstreamFile& r2 = page.files[0];
  EXPECT_EQ(r2.filename, "torch-2.4.0+cu124-cp312-cp312-linux_x86_64.whl");
  EXPECT_EQ(
      r2.url,
      "https://download.pytorch.org/whl/cu124/torch-2.4.0%2Bcu124-cp312-cp312-linux_x86_64.whl");
  ASSERT_TRUE(r2.sha256.has_value());
  EXPECT_EQ(r2.sha256->hex(), kHash);
  EXPECT_EQ(r2.upload_time, "2024-07-24T18:00:00Z");
  EXPECT_FALSE(r2.yanked.has_value());
  EXPECT_EQ(page.files[1].url,
            "https://download-r2.pytorch.org/whl/torch-2.5.0-cp312-none-any.whl");
  EXPECT_FALSE(page.files[1].sha256.has_value());
  EXPECT_FALSE(page.files[2].sha256.has_value());  // md5 is not a claim we check
  EXPECT_EQ(page.files[2].url, "https://download.pytorch.org/whl/cu124/torch/torch-2.3.0.tar.gz");
  EXPECT_EQ(page.files[2].requires_python.value_or(""), ">=3.8");
  EXPECT_EQ(page.files[2].yanked.value_or("-"), "broken");
}

TEST(HtmlPageTest, SkipsBadLinksAndSaysWhy) {
  const UpstreamPage page = read(
      "<a href=\"javascript:alert(1)\">x</a>"
      "<a href=\"https://user:pw@evil/x.whl\">x</a>"
      "<a href=\"ok.whl#sha256=zz\">bad hash</a>"
      "<a href=\"../\">parent</a>"
      "<a href=\"sp%20ace.whl\">space</a>"
      "<a href=\"dup.whl\">1</a><a href=\"other/dup.whl\">2</a>");
  ASSERT_EQ(page.files.size(), 1u);
  EXPECT_EQ(page.files[0].filename, "dup.whl");
  ASSERT_EQ(page.problems.size(), 6u);
  EXPECT_THAT(page.problems[0], HasSubstr("not a usable http(s) URL"));
  EXPECT_THAT(page.problems[2], HasSubstr("malformed sha256"));
  EXPECT_THAT(page.problems[5], HasSubstr("listed more than once"));
}

TEST(HtmlPageTest, HonoursBaseHrefAndRefusesNewerApiMajors) {
  const UpstreamPage page =
      read("<base href=\"https://mirror.example/files/\"><a href=\"x-1.0.tar.gz\">x</a>");
  ASSERT_EQ(page.files.size(), 1u);
  EXPECT_EQ(page.files[0].url, "https://mirror.example/files/x-1.0.tar.gz");
  auto newer = read_html_page("<meta name=\"pypi:repository-version\" content=\"2.0\">", kPage);
  ASSERT_FALSE(newer.ok());
  EXPECT_THAT(newer.error().message, HasSubstr("only 1.x can be read"));
}

}  // namespace
}  // namespace mirrord::pypi
