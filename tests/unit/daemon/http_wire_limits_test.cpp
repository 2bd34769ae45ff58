// limit_status: the request-target and header-count limits of the public port (security.md §7).
#include <gtest/gtest.h>

#include <string>

#include "daemon/http/wire.hpp"

namespace mirrord::http {
namespace {

Headers fields(std::size_t count) {
  Headers headers;
  for (std::size_t i = 0; i < count; ++i)
    headers.add("X-H" + std::to_string(i), "v");
  return headers;
}

TEST(LimitStatus, AcceptsRequestsWithinTheLimits) {
  EXPECT_EQ(limit_status("/", {}), std::nullopt);
  EXPECT_EQ(limit_status("/" + std::string(kMaxRequestTargetBytes - 1, 'a'), {}), std::nullopt);
  EXPECT_EQ(limit_status("/x", fields(kMaxHeaderFields)), std::nullopt);
}

TEST(LimitStatus, RefusesALongTargetWith414) {
  EXPECT_EQ(limit_status("/" + std::string(kMaxRequestTargetBytes, 'a'), {}), 414);
  EXPECT_EQ(limit_status("/" + std::string(1 << 20, 'a'), fields(kMaxHeaderFields + 1)), 414);
}

TEST(LimitStatus, RefusesTooManyHeaderFieldsWith431) {
  EXPECT_EQ(limit_status("/x", fields(kMaxHeaderFields + 1)), 431);
  EXPECT_EQ(limit_status("/x", fields(5000)), 431);
}

}  // namespace
}  // namespace mirrord::http
