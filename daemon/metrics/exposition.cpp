#include "daemon/metrics/exposition.hpp"

namespace mirrord::metrics {
namespace {

std::string escape(std::string_view text, bool quote) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  return escape(value, true);
}

std::string escape_help(std::string_view help) {
  return escape(help, false);
}

void Exposition::family(std::string_view name, std::string_view type, std::string_view help) {
  text_.append("# HELP ").append(name).append(" ").append(escape_help(help)).append("\n");
  text_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void Exposition::sample_prefix(std::string_view name, std::initializer_list<Label> labels) {
  text_.append(name);
  if (labels.size() == 0) {
    text_ += ' ';
    return;
  }
  char separator = '{';
  for (const Label& label : labels) {
    text_ += separator;
    text_.append(label.name).append("=\"").append(escape_label_value(label.value)).append("\"");
    separator = ',';
  }
  text_.append("} ");
}

void Exposition::sample(std::string_view name, std::initializer_list<Label> labels,
                        std::uint64_t value) {
  sample_prefix(name, labels);
  text_.append(std::to_string(value)).append("\n");
}

void Exposition::sample(std::string_view name, std::initializer_list<Label> labels,
                        std::int64_t value) {
  sample_prefix(name, labels);
  text_.append(std::to_string(value)).append("\n");
}

}  // namespace mirrord::metrics
