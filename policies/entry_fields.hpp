// Field readers for `[[mirror]]` tables (private to policies/).
//
// read_policy_entry() reads the keys every entry has (name, aliases, source) and then the keys of
// the entry's source from that source's field table: hf_fields(), pypi_fields(), ... Each
// ecosystem keeps its table next to its target type, so adding a source adds a file, not a branch
// in a shared function.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "policies/policy.hpp"

namespace mirrord {

// Where a value was read, to say where a bad one is.
struct Where {
  const std::filesystem::path& file;
  std::string_view key;
  std::uint32_t line;
};

struct Field {
  std::string_view key;
  bool required;
  Status (*set)(const toml::node&, const Where&, Policy&);
};

Error located_error(const std::filesystem::path& file, std::uint32_t line,
                    std::string_view message);
Error bad_value(const Where& where, std::string_view problem);
Result<std::string> read_string(const toml::node& node, const Where& where);
Result<std::vector<std::string>> read_string_list(const toml::node& node, const Where& where);
// A string, or a non-empty array of strings (`what` names one item in the error for an empty
// array): keys such as `index` and `url` that may name several upstreams.
Result<std::vector<std::string>> read_one_or_more_strings(const toml::node& node,
                                                          const Where& where,
                                                          std::string_view what);
Result<bool> read_bool(const toml::node& node, const Where& where);
Result<std::int64_t> read_integer(const toml::node& node, const Where& where);
// A positive byte count: an integer, or a string with a unit ("20 GiB", "500MB").
Result<std::uint64_t> read_byte_size(const toml::node& node, const Where& where);
Status check_patterns(const std::vector<std::string>& patterns, const Where& where);

// The keys of each source, besides name, aliases and source.
std::span<const Field> hf_fields();
std::span<const Field> pypi_fields();
std::span<const Field> apt_fields();
std::span<const Field> git_fields();
// The operations keys every source accepts (schedule, keep, pin, quota).
std::span<const Field> operation_fields();

}  // namespace mirrord
