// Range rules of hf.md §6, row by row, and the CORS headers of §9.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "daemon/http/blob_response.hpp"
#include "daemon/http/cors.hpp"

namespace mirrord::http {
namespace {

constexpr std::uint64_t kSize = 10;

void expect_partial(std::optional<std::string_view> header, std::uint64_t size, std::uint64_t first,
                    std::uint64_t last) {
  RangeResult result = evaluate_range(header, size);
  ASSERT_EQ(result.decision, RangeDecision::kPartial) << *header;
  EXPECT_EQ(result.range.first, first) << *header;
  EXPECT_EQ(result.range.last, last) << *header;
}

void expect_decision(std::optional<std::string_view> header, std::uint64_t size,
                     RangeDecision decision) {
  EXPECT_EQ(evaluate_range(header, size).decision, decision) << header.value_or("<none>");
}

TEST(EvaluateRange, NoRangeIsFull) {
  expect_decision(std::nullopt, kSize, RangeDecision::kFull);
}

TEST(EvaluateRange, ClosedRangeIsClampedToTheEnd) {
  expect_partial("bytes=0-0", kSize, 0, 0);
  expect_partial("bytes=2-5", kSize, 2, 5);
  expect_partial("bytes=5-100", kSize, 5, 9);
  expect_partial("bytes=9-9", kSize, 9, 9);
  expect_partial("bytes=0-99999999999999999999999", kSize, 0, 9);  // saturates, then clamps
}

TEST(EvaluateRange, OpenRangeRunsToTheEnd) {
  expect_partial("bytes=3-", kSize, 3, 9);
  expect_partial("bytes=0-", kSize, 0, 9);
}

TEST(EvaluateRange, SuffixSelectsTheLastBytes) {
  expect_partial("bytes=-4", kSize, 6, 9);
  expect_partial("bytes=-10", kSize, 0, 9);
  expect_partial("bytes=-100", kSize, 0, 9);
}

TEST(EvaluateRange, StartPastTheEndIsUnsatisfiable) {
  expect_decision("bytes=10-", kSize, RangeDecision::kUnsatisfiable);
  expect_decision("bytes=10-20", kSize, RangeDecision::kUnsatisfiable);
  expect_decision("bytes=99999999999999999999999-", kSize, RangeDecision::kUnsatisfiable);
  expect_decision("bytes=-0", kSize, RangeDecision::kUnsatisfiable);
}

TEST(EvaluateRange, InvalidSyntaxIsIgnored) {
  for (std::string_view header : {"bytes=5-2", "items=0-1", "bytes=abc", "bytes=", "bytes=-",
                                  "bytes=1-2x", "bytes= 1-2", "bytes=0x1-2", "0-1", "bytes=--1"}) {
    expect_decision(header, kSize, RangeDecision::kFull);
  }
}

TEST(EvaluateRange, SeveralRangesGetTheFullBody) {
  expect_decision("bytes=0-1,5-9", kSize, RangeDecision::kFull);
  expect_decision("bytes=0-0,0-0,0-0", kSize, RangeDecision::kFull);
}

TEST(EvaluateRange, UnitIsCaseInsensitiveAndOuterSpaceIgnored) {
  expect_partial("Bytes=1-2", kSize, 1, 2);
  expect_partial("  bytes=1-2 ", kSize, 1, 2);
}

TEST(EvaluateRange, ZeroLengthFileRefusesEveryRange) {
  for (std::string_view header : {"bytes=0-0", "bytes=0-", "bytes=-1", "bytes=-0", "bytes=5-9"}) {
    expect_decision(header, 0, RangeDecision::kUnsatisfiable);
  }
  expect_decision(std::nullopt, 0, RangeDecision::kFull);
}

class BlobResponseTest : public ::testing::Test {
 protected:
  Request request(std::string method, std::optional<std::string> range = std::nullopt,
                  std::optional<std::string> if_range = std::nullopt) {
    Request r;
    r.method = std::move(method);
    r.target = r.path = "/blob";
    if (range)
      r.headers.add("Range", *range);
    if (if_range)
      r.headers.add("If-Range", *if_range);
    return r;
  }
  Headers caller_headers() {
    Headers headers;
    headers.add("ETag", kEtag);
    headers.add("X-Repo-Commit", "7ae557604adf67be50417f59c2c2f167def9a775");
    headers.add("Content-Type", "application/octet-stream");
    headers.add("Content-Encoding", "gzip");  // must never reach a blob response
    return headers;
  }
  Response answer(const Request& r, std::uint64_t size = kSize) {
    return blob_response(r, fd_, size, caller_headers(), kEtag);
  }

  static constexpr const char* kEtag = "\"e9e9555b7038faff90a6e8143f863595d30c27ad\"";
  std::shared_ptr<UniqueFd> fd_ = std::make_shared<UniqueFd>();
};

TEST_F(BlobResponseTest, GetWithoutRangeSendsTheWholeFile) {
  Response response = answer(request("GET"));
  EXPECT_EQ(response.status, 200);
  ASSERT_TRUE(response.file);
  EXPECT_EQ(response.file->fd, fd_);
  EXPECT_EQ(response.file->offset, 0u);
  EXPECT_EQ(response.file->length, kSize);
  EXPECT_EQ(response.headers.get("Accept-Ranges"), "bytes");
  EXPECT_EQ(response.headers.get("ETag"), kEtag);
  EXPECT_EQ(response.headers.get("X-Repo-Commit"), "7ae557604adf67be50417f59c2c2f167def9a775");
  EXPECT_EQ(response.headers.get("Content-Range"), std::nullopt);
  EXPECT_EQ(response.headers.get("Content-Encoding"), std::nullopt);
}

TEST_F(BlobResponseTest, SingleRangeGives206WithContentRange) {
  Response response = answer(request("GET", "bytes=2-5"));
  EXPECT_EQ(response.status, 206);
  EXPECT_EQ(response.headers.get("Content-Range"), "bytes 2-5/10");
  ASSERT_TRUE(response.file);
  EXPECT_EQ(response.file->offset, 2u);
  EXPECT_EQ(response.file->length, 4u);
  EXPECT_EQ(response.headers.get("ETag"), kEtag);
  EXPECT_EQ(response.headers.get("Accept-Ranges"), "bytes");
}

TEST_F(BlobResponseTest, JsProbeGetsFirstByte) {
  Response response = answer(request("GET", "bytes=0-0"));
  EXPECT_EQ(response.status, 206);
  EXPECT_EQ(response.headers.get("Content-Range"), "bytes 0-0/10");
  ASSERT_TRUE(response.file);
  EXPECT_EQ(response.file->length, 1u);
}

TEST_F(BlobResponseTest, UnsatisfiableRangeGives416WithoutBody) {
  Response response = answer(request("GET", "bytes=10-"));
  EXPECT_EQ(response.status, 416);
  EXPECT_EQ(response.headers.get("Content-Range"), "bytes */10");
  EXPECT_FALSE(response.file);
  EXPECT_TRUE(response.body.empty());
}

TEST_F(BlobResponseTest, IfRangeMatchingEtagKeepsTheRange) {
  Response response = answer(request("GET", "bytes=3-", kEtag));
  EXPECT_EQ(response.status, 206);
  EXPECT_EQ(response.headers.get("Content-Range"), "bytes 3-9/10");
}

TEST_F(BlobResponseTest, IfRangeDifferentFromEtagSendsEverything) {
  for (std::string stale : {"\"other\"", "W/\"e9e9555b7038faff90a6e8143f863595d30c27ad\"",
                            "Sun, 06 Nov 1994 08:49:37 GMT"}) {
    Response response = answer(request("GET", "bytes=3-", stale));
    EXPECT_EQ(response.status, 200) << stale;
    ASSERT_TRUE(response.file);
    EXPECT_EQ(response.file->offset, 0u);
    EXPECT_EQ(response.file->length, kSize);
    EXPECT_EQ(response.headers.get("Content-Range"), std::nullopt);
  }
}

TEST_F(BlobResponseTest, SeveralRangesSendEverything) {
  Response response = answer(request("GET", "bytes=0-1,5-9"));
  EXPECT_EQ(response.status, 200);
  ASSERT_TRUE(response.file);
  EXPECT_EQ(response.file->length, kSize);
}

TEST_F(BlobResponseTest, HeadGetsHeadersAndLengthWithoutBody) {
  Response full = answer(request("HEAD"));
  EXPECT_EQ(full.status, 200);
  EXPECT_FALSE(full.file);
  EXPECT_EQ(full.head_content_length, kSize);

  Response ranged = answer(request("HEAD", "bytes=-3"));
  EXPECT_EQ(ranged.status, 206);
  EXPECT_FALSE(ranged.file);
  EXPECT_EQ(ranged.head_content_length, 3u);
  EXPECT_EQ(ranged.headers.get("Content-Range"), "bytes 7-9/10");

  Response refused = answer(request("HEAD", "bytes=50-"));
  EXPECT_EQ(refused.status, 416);
  EXPECT_EQ(refused.head_content_length, 0u);
}

TEST_F(BlobResponseTest, ZeroLengthFile) {
  Response get = answer(request("GET"), 0);
  EXPECT_EQ(get.status, 200);
  EXPECT_TRUE(get.body.empty());
  EXPECT_TRUE(!get.file || get.file->length == 0);

  Response head = answer(request("HEAD"), 0);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.head_content_length, 0u);

  Response probe = answer(request("GET", "bytes=0-0"), 0);
  EXPECT_EQ(probe.status, 416);
  EXPECT_EQ(probe.headers.get("Content-Range"), "bytes */0");
  EXPECT_FALSE(probe.file);
}

TEST(Cors, EveryResponseGetsOriginAndExposedHeaders) {
  Response response = json_response(404, "{}");
  add_cors_headers(response);
  add_cors_headers(response);  // idempotent: never two copies
  EXPECT_EQ(response.headers.count("Access-Control-Allow-Origin"), 1u);
  EXPECT_EQ(response.headers.get("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(response.headers.get("Access-Control-Expose-Headers"),
            "ETag, X-Repo-Commit, X-Linked-Etag, X-Linked-Size, X-Error-Code, X-Error-Message, "
            "X-Request-Id, X-Total-Count, Link, Accept-Ranges, Content-Range, Content-Length");
  EXPECT_EQ(response.status, 404);
}

TEST(Cors, PreflightIs204WithAllowLists) {
  Response response = cors_preflight();
  EXPECT_EQ(response.status, 204);
  EXPECT_TRUE(response.body.empty());
  EXPECT_EQ(response.headers.get("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(response.headers.get("Access-Control-Allow-Methods"), "GET, HEAD, POST, OPTIONS");
  EXPECT_EQ(response.headers.get("Access-Control-Allow-Headers"),
            "Authorization, Range, Content-Type, Accept");
  EXPECT_EQ(response.headers.get("Access-Control-Max-Age"), "86400");
  EXPECT_TRUE(response.headers.get("Access-Control-Expose-Headers"));
}

}  // namespace
}  // namespace mirrord::http
