#include <gtest/gtest.h>

#include "daemon/fetch/content_range.hpp"

namespace mirrord {
namespace {

FetchResponse with(long status, std::string content_range = "") {
  FetchResponse response;
  response.status = status;
  if (!content_range.empty()) {
    response.headers.emplace_back("content-range", content_range);
  }
  return response;
}

TEST(ContentRangeStart, ParsesTheFirstPosition) {
  EXPECT_EQ(content_range_start("bytes 0-9/10"), 0u);
  EXPECT_EQ(content_range_start("bytes 1048576-2097151/4194304"), 1048576u);
  EXPECT_EQ(content_range_start(" bytes 5-9/*"), 5u);
}

TEST(ContentRangeStart, RefusesMalformedValues) {
  EXPECT_FALSE(content_range_start("bytes */10"));
  EXPECT_FALSE(content_range_start("bytes 9-5/10"));
  EXPECT_FALSE(content_range_start("items 0-9/10"));
  EXPECT_FALSE(content_range_start("bytes -5-9/10"));
  EXPECT_FALSE(content_range_start("bytes 5-9"));
  EXPECT_FALSE(content_range_start("bytes 99999999999999999999-99999999999999999999/1"));
  EXPECT_FALSE(content_range_start(""));
}

TEST(ResponseContinuesAt, WholeBodyOnlyWhenNothingIsKept) {
  EXPECT_TRUE(response_continues_at(with(200), 0));
  EXPECT_FALSE(response_continues_at(with(200), 5));
}

TEST(ResponseContinuesAt, PartialContentOnlyAtTheRequestedStart) {
  EXPECT_TRUE(response_continues_at(with(206, "bytes 5-9/10"), 5));
  EXPECT_FALSE(response_continues_at(with(206, "bytes 4-9/10"), 5));
  EXPECT_FALSE(response_continues_at(with(206), 5));
  EXPECT_FALSE(response_continues_at(with(206, "bytes */10"), 5));
}

TEST(ResponseContinuesAt, OtherStatusesNever) {
  EXPECT_FALSE(response_continues_at(with(204), 0));
  EXPECT_FALSE(response_continues_at(with(416, "bytes */10"), 10));
}

}  // namespace
}  // namespace mirrord
