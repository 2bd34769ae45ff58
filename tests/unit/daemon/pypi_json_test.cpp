// Reading PEP 691 pages (daemon/pypi/simple_json.hpp) and the shared page helpers.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/pypi/simple_json.hpp"

namespace mirrord::pypi {
namespace {

using ::testing::HasSubstr;

constexpr const char* kPage = "https://pypi.org/simple/demo-pkg/";
const std::string kHash(64, 'b');

TEST(JsonPageTest, ReadsEveryFileKey) {
  const std::string body = R"({"meta": {"api-version": "1.1", "_last-serial": 7},
    "name": "demo-pkg", "versions": ["1.0", "2.0"],
    "files": [
      {"filename": "demo_pkg-1.0-py3-none-any.whl",
       "url": "https://files.pythonhosted.org/packages/aa/demo_pkg-1.0-py3-none-any.whl#x",
       "hashes": {"sha256": ")" +
                           kHash + R"(", "md5": "00"}, "requires-python": ">=3.8",
       "core-metadata": {"sha256": ")" +
                           kHash + R"("}, "size": 972,
       "upload-time": "2024-01-02T03:04:05.123456Z", "yanked": "broken build"},
      {"filename": "demo_pkg-2.0.tar.gz", "url": "../../files/demo_pkg-2.0.tar.gz",
       "hashes": {}, "yanked": true, "size": -1, "upload-time": "yesterday"},
      {"filename": "demo_pkg-2.0-py3-none-any.whl", "url": "demo_pkg-2.0-py3-none-any.whl",
       "hashes": {"sha256": ")" +
                           kHash + R"("}, "yanked": false}
    ]})";
  auto page = read_json_page(body, kPage);
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->files.size(), 3u);
  const UpstreamFile& wheel = page->files[0];
  EXPECT_EQ(wheel.url, "https://files.pythonhosted.org/packages/aa/demo_pkg-1.0-py3-none-any.whl");
  EXPECT_EQ(wheel.sha256->hex(), kHash);
  EXPECT_EQ(wheel.requires_python.value_or(""), ">=3.8");
  EXPECT_EQ(wheel.size.value_or(0), 972u);
  EXPECT_EQ(wheel.upload_time, "2024-01-02T03:04:05.123456Z");
  EXPECT_EQ(wheel.yanked.value_or("-"), "broken build");
  const UpstreamFile& sdist = page->files[1];
  EXPECT_EQ(sdist.url, "https://pypi.org/files/demo_pkg-2.0.tar.gz");
  EXPECT_FALSE(sdist.sha256.has_value());
  EXPECT_EQ(sdist.yanked.value_or("-"), "");
  EXPECT_FALSE(sdist.size.has_value());
  EXPECT_EQ(sdist.upload_time, "");
  EXPECT_FALSE(page->files[2].yanked.has_value());
  EXPECT_EQ(page->files[2].url, "https://pypi.org/simple/demo-pkg/demo_pkg-2.0-py3-none-any.whl");
}

TEST(JsonPageTest, SkipsBadEntriesAndSaysWhy) {
  const std::string body = R"({"files": [
      7, {"filename": "x.whl"}, {"filename": 1, "url": "x"},
      {"filename": "a.whl", "url": "javascript:x"},
      {"filename": "b.whl", "url": "b.whl", "hashes": {"sha256": "short"}},
      {"filename": "../c.whl", "url": "c.whl"},
      {"filename": "ok-1.0.tar.gz", "url": "ok-1.0.tar.gz"}]})";
  auto page = read_json_page(body, kPage);
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->files.size(), 1u);
  EXPECT_EQ(page->files[0].filename, "ok-1.0.tar.gz");
  ASSERT_EQ(page->problems.size(), 6u);
  EXPECT_THAT(page->problems[4], HasSubstr("malformed hashes.sha256"));
}

TEST(JsonPageTest, RefusesDocumentsThatAreNotPages) {
  for (const std::string& body :
       {std::string(""), std::string("[]"), std::string("{\"files\": {}}"), std::string("{"),
        std::string("{\"meta\": {\"api-version\": \"2.0\"}, \"files\": []}"),
        std::string(100000, '[') + std::string(100000, ']'),
        "{\"files\": [" + std::string(40, '[') + std::string(40, ']') + "]}",
        std::string("{\"files\": [], \"x\": \"\xff\xfe\"}")}) {
    SCOPED_TRACE(body.substr(0, 60));
    auto page = read_json_page(body, kPage);
    EXPECT_FALSE(page.ok());
    if (!page.ok()) {
      EXPECT_EQ(page.error().code, ErrorCode::kInvalidInput);
    }
  }
  // Brackets inside strings do not count as nesting.
  auto quoted =
      read_json_page("{\"files\": [], \"x\": \"" + std::string(100, '[') + "\\\"\"}", kPage);
  EXPECT_TRUE(quoted.ok());
}

TEST(PageHelpersTest, UploadTimesAndHashClaims) {
  EXPECT_EQ(normalize_upload_time("2024-01-02T03:04:05Z"), "2024-01-02T03:04:05Z");
  EXPECT_EQ(normalize_upload_time("2024-01-02T03:04:05.5+00:00"), "2024-01-02T03:04:05.5Z");
  for (const char* bad :
       {"2024-01-02 03:04:05Z", "2024-01-02T03:04:05", "2024-01-02T03:04:05+01:00",
        "2024-01-02T03:04:05.1234567Z", "2024-01-02T03:04:05.Z", "x"}) {
    EXPECT_EQ(normalize_upload_time(bad), "") << bad;
  }
  EXPECT_EQ(parse_hash_claim("sha256=" + kHash).value().value().hex(), kHash);
  EXPECT_FALSE(parse_hash_claim("md5=00").value().has_value());
  EXPECT_FALSE(parse_hash_claim("").value().has_value());
  EXPECT_FALSE(parse_hash_claim("sha256=abc").ok());
  EXPECT_TRUE(supported_api_version("1.0"));
  EXPECT_TRUE(supported_api_version("1.12"));
  EXPECT_FALSE(supported_api_version("2.0"));
  EXPECT_FALSE(supported_api_version("1."));
  EXPECT_FALSE(supported_api_version("1"));
}

}  // namespace
}  // namespace mirrord::pypi
