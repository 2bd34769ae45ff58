// Exposition: writes the Prometheus text format (version 0.0.4): for each metric family a
// "# HELP" and a "# TYPE" line, then its samples, "name{label="value",...} number".
//
// Label values are escaped (backslash, double quote, line feed) and HELP text too (backslash, line
// feed), so that text taken from the catalog (target names) cannot break a line or forge a sample.
// Names are the caller's constants and are not checked.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace mirrord::metrics {

struct Label {
  std::string_view name;
  std::string_view value;
};

std::string escape_label_value(std::string_view value);
std::string escape_help(std::string_view help);

class Exposition {
 public:
  // `type` is "counter" or "gauge".
  void family(std::string_view name, std::string_view type, std::string_view help);
  void sample(std::string_view name, std::initializer_list<Label> labels, std::uint64_t value);
  void sample(std::string_view name, std::initializer_list<Label> labels, std::int64_t value);

  const std::string& text() const { return text_; }

 private:
  void sample_prefix(std::string_view name, std::initializer_list<Label> labels);
  std::string text_;
};

// The Content-Type of the format.
inline constexpr const char* kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace mirrord::metrics
