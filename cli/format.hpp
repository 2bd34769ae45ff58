// Human-readable formatting for mirrorctl: sizes, rates, durations and text tables. Pure
// functions; every output is meant for people (--json is the interface for programs).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mirrord::cli {

// IEC units with one decimal from KiB on: "0 B", "1023 B", "1.0 KiB", "194.4 KiB", "1.5 GiB".
std::string human_bytes(std::uint64_t bytes);
// human_bytes per second ("1.2 MiB/s"); "--" when the rate is unknown (negative or not finite).
std::string human_rate(double bytes_per_second);
// Two most significant units: "0s", "59s", "1m05s", "2h03m", "3d04h"; "--" when unknown.
std::string human_duration(double seconds);
// The first 12 characters of a commit id, as git and the HF hub show them.
std::string short_commit(std::string_view commit);

// "2026-11-28 21:05" for unix seconds (UTC); "-" for 0 (never).
std::string utc_minute(std::int64_t unix_seconds);

struct Column {
  std::string header;
  bool align_right = false;  // numbers line up on the right
};

// Columns separated by two spaces, each as wide as its widest cell; no trailing spaces.
std::string render_table(const std::vector<Column>& columns,
                         const std::vector<std::vector<std::string>>& rows);

}  // namespace mirrord::cli
