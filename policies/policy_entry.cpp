#include "policies/policy_entry.hpp"

#include <array>
#include <set>
#include <string>

#include "policies/glob.hpp"
#include "policies/identifiers.hpp"

namespace mirrord {
namespace {

// What a field reader needs to report where a bad value is.
struct Where {
  const std::filesystem::path& file;
  std::string_view key;
  std::uint32_t line;
};

Error bad_value(const Where& where, std::string_view problem) {
  return located_error(where.file, where.line,
                       "'" + std::string(where.key) + "' " + std::string(problem));
}

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

Result<std::string> read_string(const toml::node& node, const Where& where) {
  const toml::value<std::string>* value = node.as_string();
  if (value == nullptr) {
    return bad_value(where, "must be a string, not " + std::string(type_name(node.type())));
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

Status set_name(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.name, read_string(node, where));
  const std::string problem = policy_name_problem(policy.name);
  return problem.empty() ? Status{} : bad_value(where, problem);
}

Status set_aliases(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.aliases, read_string_list(node, where));
  for (const std::string& alias : policy.aliases) {
    if (const std::string problem = policy_name_problem(alias); !problem.empty()) {
      return bad_value(where, "entry '" + alias + "' " + problem);
    }
  }
  return {};
}

Status set_source(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.source, read_string(node, where));
  if (policy.source != "hf") {
    return bad_value(where, "is '" + policy.source + "'; only \"hf\" (Hugging Face) is supported");
  }
  return {};
}

Status set_repo(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.hf.repo, read_string(node, where));
  const std::string problem = repo_id_problem(policy.hf.repo);
  return problem.empty() ? Status{} : bad_value(where, "'" + policy.hf.repo + "': " + problem);
}

Status set_repo_type(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.hf.repo_type, read_string(node, where));
  if (policy.hf.repo_type != "model" && policy.hf.repo_type != "dataset") {
    return bad_value(where, "is '" + policy.hf.repo_type + "'; expected \"model\" or \"dataset\"");
  }
  return {};
}

Status set_revision(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.hf.revision, read_string(node, where));
  const std::string problem = revision_problem(policy.hf.revision);
  return problem.empty() ? Status{} : bad_value(where, problem);
}

Status check_patterns(const std::vector<std::string>& patterns, const Where& where) {
  for (const std::string& pattern : patterns) {
    if (const std::string problem = glob_pattern_problem(pattern); !problem.empty()) {
      return bad_value(where, "pattern '" + pattern + "': " + problem);
    }
  }
  return {};
}

Status set_include(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.hf.include, read_string_list(node, where));
  return check_patterns(policy.hf.include, where);
}

Status set_exclude(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.hf.exclude, read_string_list(node, where));
  return check_patterns(policy.hf.exclude, where);
}

struct Field {
  std::string_view key;
  bool required;
  Status (*set)(const toml::node&, const Where&, Policy&);
};

constexpr std::array kFields = {
    Field{"name", true, set_name},
    Field{"aliases", false, set_aliases},
    Field{"source", true, set_source},
    Field{"repo", true, set_repo},
    Field{"repo_type", false, set_repo_type},
    Field{"revision", false, set_revision},
    Field{"include", false, set_include},
    Field{"exclude", false, set_exclude},
};

const Field* find_field(std::string_view key) {
  for (const Field& field : kFields) {
    if (field.key == key) {
      return &field;
    }
  }
  return nullptr;
}

Error unknown_key(std::string_view key, const std::filesystem::path& file, std::uint32_t line) {
  const std::string message = "unknown key '" + std::string(key) + "' in [[mirror]]";
  const Field* closest = nullptr;
  std::size_t closest_distance = 3;  // suggest only near misses
  std::string known;
  for (const Field& field : kFields) {
    const std::size_t distance = edit_distance(ascii_lower(key), field.key);
    if (distance < closest_distance) {
      closest = &field;
      closest_distance = distance;
    }
    known += (known.empty() ? "" : ", ") + std::string(field.key);
  }
  if (closest != nullptr) {
    return located_error(file, line,
                         message + "; did you mean '" + std::string(closest->key) + "'?");
  }
  return located_error(file, line, message + " (known keys: " + known + ")");
}

}  // namespace

Error located_error(const std::filesystem::path& file, std::uint32_t line,
                    std::string_view message) {
  return make_error(ErrorCode::kInvalidInput,
                    file.string() + ":" + std::to_string(line) + ": " + std::string(message));
}

Result<Policy> read_policy_entry(const toml::table& entry, const std::filesystem::path& file) {
  Policy policy;
  policy.file = file;
  policy.line = static_cast<int>(entry.source().begin.line);
  std::set<std::string_view> seen;
  for (const auto& [key, node] : entry) {
    const std::uint32_t line = key.source().begin.line;
    const Field* field = find_field(key.str());
    if (field == nullptr) {
      return unknown_key(key.str(), file, line);
    }
    MIRRORD_TRY(field->set(node, Where{file, field->key, line}, policy));
    seen.insert(field->key);
  }
  for (const Field& field : kFields) {
    if (field.required && !seen.contains(field.key)) {
      const std::string name = policy.name.empty() ? "" : " '" + policy.name + "'";
      return located_error(
          file, static_cast<std::uint32_t>(policy.line),
          "[[mirror]]" + name + " is missing the required key '" + std::string(field.key) + "'");
    }
  }
  return policy;
}

}  // namespace mirrord
