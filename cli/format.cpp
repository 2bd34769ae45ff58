#include "cli/format.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace mirrord::cli {
namespace {

constexpr std::array<const char*, 7> kUnits = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

std::string two_units(long long high, const char* high_unit, long long low, const char* low_unit) {
  char text[48];
  std::snprintf(text, sizeof text, "%lld%s%02lld%s", high, high_unit, low, low_unit);
  return text;
}

std::string pad(const std::string& cell, std::size_t width, bool align_right) {
  const std::string padding(width - std::min(width, cell.size()), ' ');
  return align_right ? padding + cell : cell + padding;
}

}  // namespace

std::string human_bytes(std::uint64_t bytes) {
  if (bytes < 1024) {
    return std::to_string(bytes) + " B";
  }
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  // The second condition moves 1023.96 KiB up to "1.0 MiB" instead of printing "1024.0 KiB".
  while (unit + 1 < kUnits.size() && (value >= 1024 || std::round(value * 10) / 10 >= 1024)) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", value, kUnits[unit]);
  return text;
}

std::string human_rate(double bytes_per_second) {
  if (!std::isfinite(bytes_per_second) || bytes_per_second < 0) {
    return "--";
  }
  return human_bytes(static_cast<std::uint64_t>(std::llround(bytes_per_second))) + "/s";
}

std::string human_duration(double seconds) {
  // Past a century the number means "never"; llround would overflow long before that matters.
  if (!std::isfinite(seconds) || seconds < 0 || seconds > 100.0 * 365 * 86400) {
    return "--";
  }
  const long long total = std::llround(seconds);
  if (total < 60) {
    return std::to_string(total) + "s";
  }
  if (total < 3600) {
    return two_units(total / 60, "m", total % 60, "s");
  }
  if (total < 86400) {
    return two_units(total / 3600, "h", total % 3600 / 60, "m");
  }
  return two_units(total / 86400, "d", total % 86400 / 3600, "h");
}

std::string short_commit(std::string_view commit) {
  return std::string(commit.substr(0, 12));
}

std::string render_table(const std::vector<Column>& columns,
                         const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const Column& column : columns) {
    widths.push_back(column.header.size());
  }
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < std::min(row.size(), widths.size()); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  }
  const auto render_row = [&](const auto& cell_at) {
    std::string line;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      line += (i == 0 ? "" : "  ") + pad(cell_at(i), widths[i], columns[i].align_right);
    }
    line.erase(line.find_last_not_of(' ') + 1);
    return line + "\n";
  };
  std::string table = render_row([&](std::size_t i) { return columns[i].header; });
  for (const auto& row : rows) {
    table += render_row([&](std::size_t i) { return i < row.size() ? row[i] : std::string(); });
  }
  return table;
}

std::string utc_minute(std::int64_t unix_seconds) {
  if (unix_seconds <= 0) {
    return "-";
  }
  const std::time_t time = static_cast<std::time_t>(unix_seconds);
  std::tm parts{};
  gmtime_r(&time, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", &parts);
  return text;
}

}  // namespace mirrord::cli
