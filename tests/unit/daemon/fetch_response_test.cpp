#include <gtest/gtest.h>

#include "daemon/fetch/fetcher.hpp"

namespace mirrord {
namespace {

TEST(FetchResponseHeader, LooksUpNamesCaseInsensitively) {
  FetchResponse response;
  response.headers = {{"X-Repo-Commit", "abc"}, {"content-length", "10"}};
  EXPECT_EQ(response.header("x-repo-commit"), "abc");
  EXPECT_EQ(response.header("X-REPO-COMMIT"), "abc");
  EXPECT_EQ(response.header("Content-Length"), "10");
}

TEST(FetchResponseHeader, MissingOrMerelySimilarNamesAreAbsent) {
  FetchResponse response;
  response.headers = {{"X-Repo-Commit", "abc"}};
  EXPECT_FALSE(response.header("X-Repo").has_value());
  EXPECT_FALSE(response.header("X-Repo-Commits").has_value());
  EXPECT_FALSE(response.header("").has_value());
}

TEST(FetchResponseHeader, FirstOfRepeatedHeadersWins) {
  FetchResponse response;
  response.headers = {{"Link", "<a>; rel=\"next\""}, {"link", "<b>; rel=\"next\""}};
  EXPECT_EQ(response.header("LINK"), "<a>; rel=\"next\"");
}

}  // namespace
}  // namespace mirrord
