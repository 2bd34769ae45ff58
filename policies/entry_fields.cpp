#include "policies/entry_fields.hpp"

#include "policies/glob.hpp"
#include "policies/inspect/admission_policy.hpp"

namespace mirrord {
namespace {

std::string_view type_name(toml::node_type type) {
  switch (type) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    default:
      return "a date or time";
  }
}

}  // namespace

Error located_error(const std::filesystem::path& file, std::uint32_t line,
                    std::string_view message) {
  return make_error(ErrorCode::kInvalidInput,
                    file.string() + ":" + std::to_string(line) + ": " + std::string(message));
}

Error bad_value(const Where& where, std::string_view problem) {
  return located_error(where.file, where.line,
                       "'" + std::string(where.key) + "' " + std::string(problem));
}

Result<std::string> read_string(const toml::node& node, const Where& where) {
  const toml::value<std::string>* value = node.as_string();
  if (value == nullptr) {
    return bad_value(where, "must be a string, not " + std::string(type_name(node.type())));
  }
  return value->get();
}

Result<bool> read_bool(const toml::node& node, const Where& where) {
  const toml::value<bool>* value = node.as_boolean();
  if (value == nullptr) {
    return bad_value(where, "must be true or false, not " + std::string(type_name(node.type())));
  }
  return value->get();
}

Result<std::int64_t> read_integer(const toml::node& node, const Where& where) {
  const toml::value<std::int64_t>* value = node.as_integer();
  if (value == nullptr) {
    return bad_value(where, "must be an integer, not " + std::string(type_name(node.type())));
  }
  return value->get();
}

Result<std::vector<std::string>> read_string_list(const toml::node& node, const Where& where) {
  const toml::array* array = node.as_array();
  if (array == nullptr) {
    return bad_value(where,
                     "must be an array of strings, not " + std::string(type_name(node.type())));
  }
  std::vector<std::string> items;
  for (const toml::node& item : *array) {
    const Where item_where{where.file, where.key, item.source().begin.line};
    MIRRORD_TRY_ASSIGN(std::string text, read_string(item, item_where));
    items.push_back(std::move(text));
  }
  return items;
}

Result<std::vector<std::string>> read_one_or_more_strings(const toml::node& node,
                                                          const Where& where,
                                                          std::string_view what) {
  if (!node.is_array()) {
    MIRRORD_TRY_ASSIGN(std::string text, read_string(node, where));
    return std::vector<std::string>{std::move(text)};
  }
  MIRRORD_TRY_ASSIGN(std::vector<std::string> items, read_string_list(node, where));
  if (items.empty()) {
    return bad_value(where, "must name at least one " + std::string(what));
  }
  return items;
}

Result<std::uint64_t> read_byte_size(const toml::node& node, const Where& where) {
  if (node.is_integer()) {
    MIRRORD_TRY_ASSIGN(const std::int64_t bytes, read_integer(node, where));
    if (bytes <= 0) {
      return bad_value(where, "must be a positive number of bytes");
    }
    return static_cast<std::uint64_t>(bytes);
  }
  MIRRORD_TRY_ASSIGN(const std::string text, read_string(node, where));
  const auto bytes = parse_byte_size(text);
  if (!bytes || *bytes == 0) {
    return bad_value(where, "is '" + text + "'; expected bytes, e.g. 1048576 or \"20 GiB\"");
  }
  return *bytes;
}

Status check_patterns(const std::vector<std::string>& patterns, const Where& where) {
  for (const std::string& pattern : patterns) {
    if (const std::string problem = glob_pattern_problem(pattern); !problem.empty()) {
      return bad_value(where, "pattern '" + pattern + "': " + problem);
    }
  }
  return {};
}

}  // namespace mirrord
