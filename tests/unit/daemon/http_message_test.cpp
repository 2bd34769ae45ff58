#include "daemon/http/message.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace mirrord::http {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

TEST(PercentDecode, DecodesEscapesOnce) {
  EXPECT_EQ(percent_decode("a%2Fb"), "a/b");
  EXPECT_EQ(percent_decode("hello%20world"), "hello world");
  EXPECT_EQ(percent_decode("%2e%2E"), "..");
  // Decoded once only: "%252F" is the text "%2F", not a slash.
  EXPECT_EQ(percent_decode("%252F"), "%2F");
  // '+' is a literal plus in a path.
  EXPECT_EQ(percent_decode("a+b"), "a+b");
  EXPECT_EQ(percent_decode(""), "");
}

TEST(PercentDecode, RejectsMalformedAndTruncatedEscapes) {
  EXPECT_EQ(percent_decode("%zz"), std::nullopt);
  EXPECT_EQ(percent_decode("%4"), std::nullopt);
  EXPECT_EQ(percent_decode("abc%"), std::nullopt);
  EXPECT_EQ(percent_decode("%g1"), std::nullopt);
  EXPECT_EQ(percent_decode("%1g"), std::nullopt);
}

TEST(PercentDecode, RejectsNul) {
  EXPECT_EQ(percent_decode("model%00.bin"), std::nullopt);
  EXPECT_EQ(percent_decode(std::string_view("a\0b", 3)), std::nullopt);
}

TEST(PercentEncode, KeepsOnlyUnreservedAndOptionallySlash) {
  EXPECT_EQ(percent_encode("a-b_c.d~e", false), "a-b_c.d~e");
  EXPECT_EQ(percent_encode("refs/pr/1", false), "refs%2Fpr%2F1");
  EXPECT_EQ(percent_encode("refs/pr/1", true), "refs/pr/1");
  EXPECT_EQ(percent_encode("a b+c?&=", false), "a%20b%2Bc%3F%26%3D");
  EXPECT_EQ(percent_encode("\xC3\xA9", false), "%C3%A9");
}

TEST(PercentEncode, RoundTripsThroughDecode) {
  std::string all;
  for (int c = 1; c < 256; ++c)
    all.push_back(static_cast<char>(c));
  EXPECT_EQ(percent_decode(percent_encode(all, false)), all);
  EXPECT_EQ(percent_decode(percent_encode(all, true)), all);
}

TEST(SplitPath, SplitsWithoutDecoding) {
  EXPECT_EQ(split_path("/api/models/Qwen/X"),
            (std::vector<std::string_view>{"api", "models", "Qwen", "X"}));
  EXPECT_EQ(split_path("/a%2Fb/c"), (std::vector<std::string_view>{"a%2Fb", "c"}));
}

TEST(SplitPath, KeepsEmptySegments) {
  EXPECT_EQ(split_path("/a//b/"), (std::vector<std::string_view>{"a", "", "b", ""}));
  EXPECT_EQ(split_path("//"), (std::vector<std::string_view>{"", ""}));
}

TEST(SplitPath, RootHasNoSegments) {
  EXPECT_TRUE(split_path("/").empty());
  EXPECT_TRUE(split_path("").empty());
  EXPECT_EQ(split_path("a/b"), (std::vector<std::string_view>{"a", "b"}));
}

TEST(ParseQuery, DecodesInOrderWithPlusAsSpace) {
  auto params = parse_query("recursive=true&expand=false&paths=a+b&paths=onnx%2Fmodel.onnx");
  ASSERT_TRUE(params);
  EXPECT_EQ(*params, (Params{{"recursive", "true"},
                             {"expand", "false"},
                             {"paths", "a b"},
                             {"paths", "onnx/model.onnx"}}));
}

TEST(ParseQuery, HandlesEmptyPiecesAndBareNames) {
  EXPECT_EQ(*parse_query(""), Params{});
  EXPECT_EQ(*parse_query("a=1&&b="), (Params{{"a", "1"}, {"b", ""}}));
  EXPECT_EQ(*parse_query("flag"), (Params{{"flag", ""}}));
  EXPECT_EQ(*parse_query("a=x=y"), (Params{{"a", "x=y"}}));
  EXPECT_EQ(*parse_query("c=%2B"), (Params{{"c", "+"}}));
}

TEST(ParseQuery, MalformedEscapeFailsTheWholeQuery) {
  EXPECT_EQ(parse_query("a=1&b=%zz"), std::nullopt);
  EXPECT_EQ(parse_query("a=%4"), std::nullopt);
  EXPECT_EQ(parse_query("n%00=1"), std::nullopt);
}

TEST(Headers, LookupIsCaseInsensitive) {
  Headers headers;
  headers.add("Content-Type", "text/plain");
  headers.add("X-Thing", "1");
  headers.add("x-thing", "2");
  EXPECT_EQ(headers.get("content-type"), "text/plain");
  EXPECT_EQ(headers.get("X-THING"), "1");
  EXPECT_EQ(headers.count("x-Thing"), 2u);
  EXPECT_EQ(headers.get("Missing"), std::nullopt);
  EXPECT_EQ(headers.count("Missing"), 0u);
}

TEST(Headers, SetReplacesEveryHeaderOfThatName) {
  Headers headers;
  headers.add("A", "1");
  headers.add("B", "x");
  headers.add("a", "2");
  headers.set("A", "3");
  EXPECT_EQ(headers.count("a"), 1u);
  EXPECT_EQ(headers.get("a"), "3");
  ASSERT_EQ(headers.items().size(), 2u);
  EXPECT_EQ(headers.items()[0].first, "A");  // kept in place
  headers.set("C", "new");
  EXPECT_EQ(headers.items().back(), (std::pair<std::string, std::string>{"C", "new"}));
}

TEST(Headers, RemoveDropsEveryMatch) {
  Headers headers;
  headers.add("X-A", "1");
  headers.add("x-a", "2");
  headers.add("Y", "3");
  headers.remove("X-a");
  EXPECT_EQ(headers.count("x-a"), 0u);
  EXPECT_EQ(headers.get("y"), "3");
}

TEST(Responses, JsonAndTextSetContentType) {
  Response json = json_response(404, R"({"error":"x"})");
  EXPECT_EQ(json.status, 404);
  EXPECT_EQ(json.headers.get("Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(json.body, R"({"error":"x"})");
  Response text = text_response(200, "hi");
  EXPECT_EQ(text.headers.get("content-type"), "text/plain");
  Response html = text_response(200, "<p>", "text/html");
  EXPECT_EQ(html.headers.get("Content-Type"), "text/html");
  EXPECT_EQ(html.headers.count("Content-Type"), 1u);
}

}  // namespace
}  // namespace mirrord::http
