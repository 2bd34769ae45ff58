// The upstream families of /metrics, read from the UpstreamHealth registry at scrape time (one
// series per upstream base URL, README "Several upstreams"):
//   mirrord_upstream_requests_total, mirrord_upstream_failures_total (counters),
//   mirrord_upstream_consecutive_failures, mirrord_upstream_first_byte_microseconds (gauges; the
//   latter only once a request succeeded).
#pragma once

#include "daemon/metrics/exposition.hpp"
#include "daemon/upstreams/upstream_health.hpp"

namespace mirrord::metrics {

void write_upstream_gauges(const UpstreamHealth& health, Exposition& out);

}  // namespace mirrord::metrics
