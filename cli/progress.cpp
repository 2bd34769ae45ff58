#include "cli/progress.hpp"

#include <algorithm>

#include "cli/format.hpp"

namespace mirrord::cli {
namespace {

constexpr std::size_t kMinBarCells = 10;
constexpr std::size_t kMaxBarCells = 30;

// Before the daemon has planned the pull there are no totals to show.
std::optional<std::string> waiting_text(const Job& job) {
  if (job.state == "queued") {
    return "queued: waiting for a free worker";
  }
  if (job.files_total == 0 && job.bytes_total == 0) {
    return "planning: reading the file list from upstream";
  }
  return std::nullopt;
}

double fraction_done(const Job& job) {
  if (job.bytes_total == 0) {
    return job.files_total == 0 ? 0.0
                                : static_cast<double>(std::min(job.files_done, job.files_total)) /
                                      static_cast<double>(job.files_total);
  }
  return static_cast<double>(std::min(job.bytes_done, job.bytes_total)) /
         static_cast<double>(job.bytes_total);
}

std::string files_text(const Job& job) {
  return std::to_string(job.files_done) + "/" + std::to_string(job.files_total) + " files";
}

std::string eta_text(const Job& job, std::optional<double> rate) {
  const std::optional<double> eta = eta_seconds(job, rate);
  return "ETA " + (eta ? human_duration(*eta) : std::string("--"));
}

std::string rate_text(std::optional<double> rate) {
  return human_rate(rate.value_or(-1));
}

}  // namespace

void RateMeter::add(double now_seconds, std::uint64_t bytes_done) {
  if (!samples_.empty() && bytes_done < samples_.back().second) {
    samples_.clear();  // the count went back (a retried file): old samples would lie
  }
  samples_.emplace_back(now_seconds, bytes_done);
  while (samples_.size() > 2 && samples_[1].first <= now_seconds - window_seconds_) {
    samples_.pop_front();
  }
}

std::optional<double> RateMeter::bytes_per_second() const {
  if (samples_.size() < 2 || samples_.back().first <= samples_.front().first) {
    return std::nullopt;
  }
  return static_cast<double>(samples_.back().second - samples_.front().second) /
         (samples_.back().first - samples_.front().first);
}

std::optional<double> eta_seconds(const Job& job, std::optional<double> rate) {
  if (!rate || *rate <= 0 || job.bytes_total == 0) {
    return std::nullopt;
  }
  const std::uint64_t left = job.bytes_total - std::min(job.bytes_done, job.bytes_total);
  return static_cast<double>(left) / *rate;
}

std::string render_progress_bar(const Job& job, std::optional<double> rate, std::size_t width) {
  const std::size_t limit = width > 0 ? width - 1 : 0;
  std::string line;
  if (const std::optional<std::string> waiting = waiting_text(job)) {
    line = *waiting;
  } else {
    const std::string stats = files_text(job) + "  " + human_bytes(job.bytes_done) + "/" +
                              human_bytes(job.bytes_total) + "  " + rate_text(rate) + "  " +
                              eta_text(job, rate);
    const std::size_t room = limit > stats.size() + 3 ? limit - stats.size() - 3 : 0;
    const std::size_t cells = std::min(kMaxBarCells, room);
    if (cells >= kMinBarCells) {
      const auto filled = static_cast<std::size_t>(fraction_done(job) * static_cast<double>(cells));
      line = "[" + std::string(filled, '#') + std::string(cells - filled, '.') + "] " + stats;
    } else {
      line = stats;  // a narrow terminal: the numbers matter more than the bar
    }
  }
  return line.substr(0, limit);
}

std::string render_progress_line(const Job& job, std::optional<double> rate) {
  if (const std::optional<std::string> waiting = waiting_text(job)) {
    return "progress: " + *waiting;
  }
  const int percent = static_cast<int>(fraction_done(job) * 100);
  return "progress: " + files_text(job) + ", " + human_bytes(job.bytes_done) + " of " +
         human_bytes(job.bytes_total) + " (" + std::to_string(percent) + "%), " + rate_text(rate) +
         ", " + eta_text(job, rate);
}

ProgressReporter::ProgressReporter(std::ostream& out, ProgressStyle style,
                                   std::size_t terminal_width, double line_interval_seconds)
    : out_(out),
      style_(style),
      terminal_width_(terminal_width),
      line_interval_seconds_(line_interval_seconds) {}

void ProgressReporter::update(const Job& job, double now_seconds) {
  meter_.add(now_seconds, job.bytes_done);
  if (style_ == ProgressStyle::kBar) {
    std::string bar = render_progress_bar(job, meter_.bytes_per_second(), terminal_width_);
    if (bar != bar_on_screen_) {
      // "\033[K" clears what a longer previous line left to the right.
      out_ << '\r' << bar << "\033[K" << std::flush;
      bar_on_screen_ = std::move(bar);
    }
  } else if (style_ == ProgressStyle::kLines) {
    if (!last_line_at_) {
      last_line_at_ = now_seconds;  // the start line was just printed; wait a full interval
    } else if (now_seconds - *last_line_at_ >= line_interval_seconds_) {
      out_ << render_progress_line(job, meter_.bytes_per_second()) << '\n' << std::flush;
      last_line_at_ = now_seconds;
    }
  }
}

void ProgressReporter::finish() {
  if (!bar_on_screen_.empty()) {
    out_ << '\n' << std::flush;
    bar_on_screen_.clear();
  }
}

}  // namespace mirrord::cli
