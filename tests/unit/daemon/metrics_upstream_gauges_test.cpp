// The upstream families of /metrics, from a registry with one failing and one answering upstream.
#include "daemon/metrics/upstream_gauges.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mirrord::metrics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(UpstreamGaugesTest, OneSeriesPerUpstreamAndLatencyOnlyAfterASuccess) {
  UpstreamHealth health;
  health.register_base("http://down:1");
  health.record_failure("http://down:1/x", "refused");
  health.record_failure("http://down:1/x", "refused");
  health.register_base("http://up:2");
  health.record_success("http://up:2/x", std::chrono::microseconds(2500));
  Exposition out;
  write_upstream_gauges(health, out);
  const std::string& text = out.text();
  EXPECT_THAT(text, HasSubstr("# TYPE mirrord_upstream_requests_total counter\n"));
  EXPECT_THAT(text, HasSubstr("mirrord_upstream_requests_total{upstream=\"http://down:1\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("mirrord_upstream_failures_total{upstream=\"http://down:1\"} 2\n"));
  EXPECT_THAT(text,
              HasSubstr("mirrord_upstream_consecutive_failures{upstream=\"http://down:1\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("mirrord_upstream_failures_total{upstream=\"http://up:2\"} 0\n"));
  EXPECT_THAT(
      text, HasSubstr("mirrord_upstream_first_byte_microseconds{upstream=\"http://up:2\"} 2500\n"));
  EXPECT_THAT(text, Not(HasSubstr("first_byte_microseconds{upstream=\"http://down:1\"}")));
}

}  // namespace
}  // namespace mirrord::metrics
