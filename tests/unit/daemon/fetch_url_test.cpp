#include <gtest/gtest.h>

#include "daemon/fetch/url.hpp"

namespace mirrord {
namespace {

TEST(PercentEncode, KeepsOnlyUnreservedCharactersByDefault) {
  EXPECT_EQ(percent_encode("main"), "main");
  EXPECT_EQ(percent_encode("refs/pr/1"), "refs%2Fpr%2F1");
  EXPECT_EQ(percent_encode("v1.0-rc_1~x"), "v1.0-rc_1~x");
  EXPECT_EQ(percent_encode("a b?c#d%e&f=g+h"), "a%20b%3Fc%23d%25e%26f%3Dg%2Bh");
  EXPECT_EQ(percent_encode("../x"), "..%2Fx");
}

TEST(PercentEncode, KeepsTheExtraSafeCharactersAndEncodesBytesAbove127) {
  EXPECT_EQ(percent_encode("onnx/model v2.onnx", "/"), "onnx/model%20v2.onnx");
  EXPECT_EQ(percent_encode("caf\xc3\xa9.txt", "/"), "caf%C3%A9.txt");
  EXPECT_EQ(percent_encode(std::string("a\0b", 3)), "a%00b");
}

TEST(RedactUrl, DropsUserInfoQueryAndFragment) {
  const std::string redacted =
      redact_url("https://user:hunter2@cdn.example:8443/repo/blob?X-Amz-Signature=abc#frag");
  EXPECT_EQ(redacted, "https://<userinfo>@cdn.example:8443/repo/blob?<query>#<fragment>");
}

TEST(RedactUrl, LeavesPlainUrlsReadable) {
  EXPECT_EQ(redact_url("https://huggingface.co/api/models/Qwen/X/revision/main"),
            "https://huggingface.co/api/models/Qwen/X/revision/main");
}

TEST(RedactUrl, DoesNotEchoWhatItCannotParse) {
  EXPECT_EQ(redact_url("not a url with secret"), "<unparseable url>");
  EXPECT_EQ(redact_url(""), "<unparseable url>");
}

TEST(UrlOrigin, MakesDefaultPortsExplicitAndLowersCase) {
  EXPECT_EQ(url_origin("https://HuggingFace.co/api/x"), "https://huggingface.co:443");
  EXPECT_EQ(url_origin("http://127.0.0.1:8080/hf"), "http://127.0.0.1:8080");
  EXPECT_EQ(url_origin("https://huggingface.co:443/"), url_origin("https://huggingface.co/x"));
}

TEST(UrlOrigin, DistinguishesHostPortAndScheme) {
  EXPECT_NE(url_origin("https://huggingface.co/"), url_origin("https://cdn-lfs.huggingface.co/"));
  EXPECT_NE(url_origin("http://127.0.0.1:1/"), url_origin("http://127.0.0.1:2/"));
  EXPECT_NE(url_origin("http://huggingface.co/"), url_origin("https://huggingface.co/"));
  // User info does not change where a request goes, and must not fool the comparison.
  EXPECT_EQ(url_origin("https://huggingface.co@evil.example/"), "https://evil.example:443");
}

TEST(UrlOrigin, RefusesRelativeAndNonHttpUrls) {
  EXPECT_FALSE(url_origin("/api/models/x").has_value());
  EXPECT_FALSE(url_origin("file:///etc/passwd").has_value());
  EXPECT_FALSE(url_origin("ftp://example.com/x").has_value());
  EXPECT_FALSE(url_origin("").has_value());
}

}  // namespace
}  // namespace mirrord
