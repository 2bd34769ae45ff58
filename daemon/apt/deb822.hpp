// deb822: the control-file syntax of Debian's Release, Packages and .sources files.
//
// A file is a list of stanzas separated by blank lines; a stanza is a list of "Name: value"
// fields; a line starting with a space or tab continues the previous field. Field names compare
// case-insensitively and may appear once per stanza. Lines starting with '#' outside a field are
// comments. The parser is bounded (line, stanza and field counts) and refuses NUL bytes, so that
// hostile upstream text can only fail, never make the daemon use unbounded memory.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/result.hpp"

namespace mirrord::apt {

struct Deb822Field {
  std::string name;
  // The text after ':' trimmed, then each continuation line (leading and trailing blanks
  // trimmed) after a '\n'. A multi-line field such as SHA256 starts with an empty first line.
  std::string value;
};

class Deb822Stanza {
 public:
  // The value of `name` (case-insensitive), if present.
  std::optional<std::string_view> get(std::string_view name) const;
  const std::vector<Deb822Field>& fields() const { return fields_; }
  std::size_t first_line() const { return first_line_; }

 private:
  friend class Deb822Builder;
  std::vector<Deb822Field> fields_;
  std::size_t first_line_ = 0;
};

struct Deb822Limits {
  std::size_t max_line_bytes = 256 * 1024;
  std::size_t max_stanza_bytes =
      32u << 20;  // Debian's Release is ~200 KiB, a stanza of Packages ~10 KiB
  std::size_t max_fields_per_stanza = 512;
};

// Calls `on_stanza` for each stanza in order; stops at the first error (its own or the callback's).
// Errors are kInvalidInput and name the line.
Status for_each_deb822_stanza(std::string_view text, const Deb822Limits& limits,
                              const std::function<Status(const Deb822Stanza&)>& on_stanza);

Result<std::vector<Deb822Stanza>> parse_deb822(std::string_view text,
                                               const Deb822Limits& limits = {});

// The lines of a multi-line field value (e.g. a checksum list), skipping empty ones.
std::vector<std::string_view> value_lines(std::string_view value);

// Splits on runs of spaces and tabs.
std::vector<std::string_view> split_words(std::string_view text);

}  // namespace mirrord::apt
