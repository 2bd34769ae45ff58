// Progress display for `mirrorctl pull`: a rate meter, pure renderers, and a reporter that draws
// either a one-line bar redrawn with '\r' (on a terminal) or a plain line every few seconds (logs,
// pipes). Time is passed in as seconds on a monotonic clock, so tests need no sleeping.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <ostream>
#include <string>
#include <utility>

#include "cli/api_objects.hpp"

namespace mirrord::cli {

// Download rate over a sliding window of (time, bytes done) samples.
class RateMeter {
 public:
  explicit RateMeter(double window_seconds = 5.0) : window_seconds_(window_seconds) {}

  void add(double now_seconds, std::uint64_t bytes_done);
  // Unknown until two samples lie apart in time.
  std::optional<double> bytes_per_second() const;

 private:
  double window_seconds_;
  std::deque<std::pair<double, std::uint64_t>> samples_;
};

// Seconds left at `rate`; unknown without a positive rate or a known total.
std::optional<double> eta_seconds(const Job& job, std::optional<double> rate);

// "[#####.....] 3/8 files  117.2 KiB/194.4 KiB  1.2 MiB/s  ETA 5s", at most width - 1 columns so
// the terminal never wraps it (a wrapped line cannot be redrawn with '\r').
std::string render_progress_bar(const Job& job, std::optional<double> rate, std::size_t width);
// "progress: 3/8 files, 117.2 KiB of 194.4 KiB (60%), 1.2 MiB/s, ETA 5s"
std::string render_progress_line(const Job& job, std::optional<double> rate);

enum class ProgressStyle {
  kNone,   // --json or --no-progress
  kBar,    // a terminal
  kLines,  // anything else
};

class ProgressReporter {
 public:
  ProgressReporter(std::ostream& out, ProgressStyle style, std::size_t terminal_width,
                   double line_interval_seconds = 5.0);

  // Records the job's latest state and draws it as the style says.
  void update(const Job& job, double now_seconds);
  // Ends a drawn bar with a newline, so that what is printed next starts on a clean line.
  void finish();

 private:
  std::ostream& out_;
  ProgressStyle style_;
  std::size_t terminal_width_;
  double line_interval_seconds_;
  RateMeter meter_;
  std::optional<double> last_line_at_;
  std::string bar_on_screen_;  // what the bar shows now; empty when none is drawn
};

}  // namespace mirrord::cli
