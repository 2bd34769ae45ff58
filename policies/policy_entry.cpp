#include "policies/policy_entry.hpp"

#include <array>
#include <set>
#include <string>

#include "policies/identifiers.hpp"

namespace mirrord {
namespace {

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

// `source` is read before the other keys: it decides which keys are valid.
Status set_source(const toml::node&, const Where&, Policy&) {
  return {};
}

constexpr std::array kCommonFields = {
    Field{"name", true, set_name},
    Field{"aliases", false, set_aliases},
    Field{"source", true, set_source},
};

struct SourceFields {
  std::string_view source;
  std::span<const Field> (*fields)();
};

constexpr std::array kSources = {
    SourceFields{"hf", hf_fields},
    SourceFields{"pypi", pypi_fields},
    SourceFields{"apt", apt_fields},
    SourceFields{"git", git_fields},
};

std::string known_sources() {
  std::string known;
  for (const SourceFields& source : kSources) {
    known += (known.empty() ? "\"" : ", \"") + std::string(source.source) + "\"";
  }
  return known;
}

Result<std::span<const Field>> fields_of_source(const toml::table& entry,
                                                const std::filesystem::path& file, Policy& policy) {
  const toml::node* node = entry.get("source");
  if (node == nullptr) {
    return located_error(
        file, entry.source().begin.line,
        "[[mirror]] is missing the required key 'source' (one of " + known_sources() + ")");
  }
  const Where where{file, "source", node->source().begin.line};
  MIRRORD_TRY_ASSIGN(policy.source, read_string(*node, where));
  for (const SourceFields& source : kSources) {
    if (source.source == policy.source) {
      return source.fields();
    }
  }
  return bad_value(where, "is '" + policy.source + "'; expected one of " + known_sources());
}

const Field* find_field(std::string_view key, std::span<const Field> specific) {
  for (const std::span<const Field> table :
       {std::span<const Field>(kCommonFields), specific, operation_fields()}) {
    for (const Field& field : table) {
      if (field.key == key) {
        return &field;
      }
    }
  }
  return nullptr;
}

Error unknown_key(std::string_view key, std::span<const Field> specific, const Policy& policy,
                  const std::filesystem::path& file, std::uint32_t line) {
  const std::string message =
      "unknown key '" + std::string(key) + "' in [[mirror]] of source \"" + policy.source + "\"";
  const Field* closest = nullptr;
  std::size_t closest_distance = 3;  // suggest only near misses
  std::string known;
  for (const std::span<const Field> table :
       {std::span<const Field>(kCommonFields), specific, operation_fields()}) {
    for (const Field& field : table) {
      const std::size_t distance = edit_distance(ascii_lower(key), field.key);
      if (distance < closest_distance) {
        closest = &field;
        closest_distance = distance;
      }
      known += (known.empty() ? "" : ", ") + std::string(field.key);
    }
  }
  if (closest != nullptr) {
    return located_error(file, line,
                         message + "; did you mean '" + std::string(closest->key) + "'?");
  }
  return located_error(file, line, message + " (known keys: " + known + ")");
}

Status check_required(const std::set<std::string_view>& seen, std::span<const Field> specific,
                      const Policy& policy, const std::filesystem::path& file) {
  for (const std::span<const Field> table :
       {std::span<const Field>(kCommonFields), specific, operation_fields()}) {
    for (const Field& field : table) {
      if (field.required && !seen.contains(field.key)) {
        const std::string name = policy.name.empty() ? "" : " '" + policy.name + "'";
        return located_error(
            file, static_cast<std::uint32_t>(policy.line),
            "[[mirror]]" + name + " is missing the required key '" + std::string(field.key) + "'");
      }
    }
  }
  return {};
}

}  // namespace

Result<Policy> read_policy_entry(const toml::table& entry, const std::filesystem::path& file) {
  Policy policy;
  policy.file = file;
  policy.line = static_cast<int>(entry.source().begin.line);
  MIRRORD_TRY_ASSIGN(const std::span<const Field> specific, fields_of_source(entry, file, policy));
  std::set<std::string_view> seen;
  for (const auto& [key, node] : entry) {
    const std::uint32_t line = key.source().begin.line;
    const Field* field = find_field(key.str(), specific);
    if (field == nullptr) {
      return unknown_key(key.str(), specific, policy, file, line);
    }
    MIRRORD_TRY(field->set(node, Where{file, field->key, line}, policy));
    seen.insert(field->key);
  }
  MIRRORD_TRY(check_required(seen, specific, policy, file));
  return policy;
}

}  // namespace mirrord
