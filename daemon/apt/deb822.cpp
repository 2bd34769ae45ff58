#include "daemon/apt/deb822.hpp"

#include <algorithm>

#include "storage/text.hpp"

namespace mirrord::apt {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view text) {
  return trim_any(text, " \t\r");
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

// Field names: printable US-ASCII other than ':' and space, not starting with '#' or '-'.
bool valid_field_name(std::string_view name) {
  if (name.empty() || name.front() == '#' || name.front() == '-') {
    return false;
  }
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return c > 32 && c < 127 && c != ':'; });
}

Error error_at(std::size_t line, const std::string& message) {
  return make_error(ErrorCode::kInvalidInput, "line " + std::to_string(line) + ": " + message);
}

}  // namespace

std::optional<std::string_view> Deb822Stanza::get(std::string_view name) const {
  for (const Deb822Field& field : fields_) {
    if (equals_ignore_case(field.name, name)) {
      return std::string_view(field.value);
    }
  }
  return std::nullopt;
}

// Accumulates one stanza at a time with the limits applied.
class Deb822Builder {
 public:
  explicit Deb822Builder(const Deb822Limits& limits) : limits_(limits) {}

  bool empty() const { return stanza_.fields_.empty(); }

  Status add_field(std::string_view line, std::size_t line_number) {
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      return error_at(line_number, "expected 'Name: value' or a continuation line");
    }
    const std::string_view name = line.substr(0, colon);
    if (!valid_field_name(name)) {
      return error_at(line_number, "invalid field name '" + std::string(name.substr(0, 64)) + "'");
    }
    if (stanza_.get(name)) {
      return error_at(line_number, "field '" + std::string(name) + "' appears twice in a stanza");
    }
    if (stanza_.fields_.size() >= limits_.max_fields_per_stanza) {
      return error_at(line_number, "too many fields in one stanza");
    }
    if (empty()) {
      stanza_.first_line_ = line_number;
    }
    MIRRORD_TRY(count(line.size(), line_number));
    stanza_.fields_.push_back(
        Deb822Field{std::string(name), std::string(trim(line.substr(colon + 1)))});
    return {};
  }

  Status add_continuation(std::string_view line, std::size_t line_number) {
    if (empty()) {
      return error_at(line_number, "continuation line without a field");
    }
    MIRRORD_TRY(count(line.size(), line_number));
    std::string& value = stanza_.fields_.back().value;
    value += '\n';
    value += trim(line);
    return {};
  }

  // Hands the finished stanza to `on_stanza` and starts a new one.
  Status flush(const std::function<Status(const Deb822Stanza&)>& on_stanza) {
    if (empty()) {
      return {};
    }
    Status status = on_stanza(stanza_);
    stanza_ = Deb822Stanza{};
    bytes_ = 0;
    return status;
  }

 private:
  Status count(std::size_t bytes, std::size_t line_number) {
    bytes_ += bytes + 1;
    if (bytes_ > limits_.max_stanza_bytes) {
      return error_at(line_number,
                      "stanza longer than " + std::to_string(limits_.max_stanza_bytes) + " bytes");
    }
    return {};
  }

  const Deb822Limits& limits_;
  Deb822Stanza stanza_;
  std::size_t bytes_ = 0;
};

Status for_each_deb822_stanza(std::string_view text, const Deb822Limits& limits,
                              const std::function<Status(const Deb822Stanza&)>& on_stanza) {
  if (text.find('\0') != std::string_view::npos) {
    return make_error(ErrorCode::kInvalidInput, "control file contains a NUL byte");
  }
  Deb822Builder builder(limits);
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (line.size() > limits.max_line_bytes) {
      return error_at(line_number,
                      "line longer than " + std::to_string(limits.max_line_bytes) + " bytes");
    }
    if (trim(line).empty()) {
      MIRRORD_TRY(builder.flush(on_stanza));
    } else if (is_blank(line.front())) {
      MIRRORD_TRY(builder.add_continuation(line, line_number));
    } else if (line.front() == '#') {
      continue;  // a comment line
    } else {
      MIRRORD_TRY(builder.add_field(line, line_number));
    }
  }
  return builder.flush(on_stanza);
}

Result<std::vector<Deb822Stanza>> parse_deb822(std::string_view text, const Deb822Limits& limits) {
  std::vector<Deb822Stanza> stanzas;
  MIRRORD_TRY(for_each_deb822_stanza(text, limits, [&](const Deb822Stanza& stanza) {
    stanzas.push_back(stanza);
    return Status{};
  }));
  return stanzas;
}

std::vector<std::string_view> value_lines(std::string_view value) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start <= value.size()) {
    const std::size_t end = std::min(value.find('\n', start), value.size());
    const std::string_view line = trim(value.substr(start, end - start));
    if (!line.empty()) {
      lines.push_back(line);
    }
    start = end + 1;
  }
  return lines;
}

std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_blank(text[i])) {
      ++i;
    }
    const std::size_t begin = i;
    while (i < text.size() && !is_blank(text[i])) {
      ++i;
    }
    if (i > begin) {
      words.push_back(text.substr(begin, i - begin));
    }
  }
  return words;
}

}  // namespace mirrord::apt
