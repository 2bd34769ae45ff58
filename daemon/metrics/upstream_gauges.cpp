#include "daemon/metrics/upstream_gauges.hpp"

#include <cmath>

namespace mirrord::metrics {

void write_upstream_gauges(const UpstreamHealth& health, Exposition& out) {
  const std::vector<UpstreamStats> all = health.snapshot();
  out.family("mirrord_upstream_requests_total", "counter",
             "Requests sent to each upstream base URL since start-up.");
  for (const UpstreamStats& stats : all) {
    out.sample("mirrord_upstream_requests_total", {{"upstream", stats.base}}, stats.requests);
  }
  out.family("mirrord_upstream_failures_total", "counter",
             "Failed requests of each upstream (transport errors, 408, 429, 5xx, bytes that did "
             "not verify).");
  for (const UpstreamStats& stats : all) {
    out.sample("mirrord_upstream_failures_total", {{"upstream", stats.base}}, stats.failures);
  }
  out.family("mirrord_upstream_consecutive_failures", "gauge",
             "Failures of each upstream since its last success.");
  for (const UpstreamStats& stats : all) {
    out.sample("mirrord_upstream_consecutive_failures", {{"upstream", stats.base}},
               stats.consecutive_failures);
  }
  out.family("mirrord_upstream_first_byte_microseconds", "gauge",
             "Weighted mean time to the first byte of each upstream's successful requests.");
  for (const UpstreamStats& stats : all) {
    if (stats.latency_ms) {
      out.sample("mirrord_upstream_first_byte_microseconds", {{"upstream", stats.base}},
                 static_cast<std::uint64_t>(std::llround(*stats.latency_ms * 1000.0)));
    }
  }
}

}  // namespace mirrord::metrics
