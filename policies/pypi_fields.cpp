// The `[[mirror]]` keys of source = "pypi" (see pypi_target.hpp), PypiTarget's key and ad-hoc
// "pypi:NAME[SPECIFIERS]" targets.
#include <array>

#include "policies/entry_fields.hpp"
#include "policies/pypi_names.hpp"
#include "policies/pypi_version.hpp"

namespace mirrord {
namespace {

constexpr std::string_view kPypiPrefix = "pypi:";
// Where ad-hoc targets are served: /pypi/pypi/simple/.
constexpr std::string_view kAdhocRoot = "pypi";

bool is_http_url(std::string_view url) {
  return url.starts_with("https://") || url.starts_with("http://");
}

// `index = "URL"`, or `index = ["URL1", "URL2", ...]`: several indexes of the same projects.
Status set_index(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(std::vector<std::string> indexes,
                     read_one_or_more_strings(node, where, "simple index"));
  for (const std::string& index : indexes) {
    if (!is_http_url(index)) {
      return bad_value(where, "entry '" + index + "' must be an http(s):// URL of a simple index");
    }
  }
  policy.pypi.index = indexes.front();
  policy.pypi.extra_indexes.assign(indexes.begin() + 1, indexes.end());
  return {};
}

Status set_projects(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.pypi.projects, read_string_list(node, where));
  if (policy.pypi.projects.empty()) {
    return bad_value(where, "must name at least one project");
  }
  for (const std::string& project : policy.pypi.projects) {
    if (const std::string problem = project_name_problem(project); !problem.empty()) {
      return bad_value(where, "entry '" + project + "' " + problem);
    }
  }
  return {};
}

Status set_versions(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.pypi.versions, read_string(node, where));
  auto parsed = SpecifierSet::parse(policy.pypi.versions);
  return parsed ? Status{} : bad_value(where, parsed.error().message);
}

Status set_latest(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.pypi.latest, read_integer(node, where));
  return policy.pypi.latest >= 0 ? Status{} : bad_value(where, "must be 0 (all) or more");
}

Status set_prereleases(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.pypi.prereleases, read_bool(node, where));
  return {};
}

Status set_wheel_tags(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.pypi.wheel_tags, read_string_list(node, where));
  for (const std::string& pattern : policy.pypi.wheel_tags) {
    if (pattern.find('/') != std::string::npos) {
      return bad_value(where, "pattern '" + pattern + "': tags never contain '/'");
    }
  }
  return check_patterns(policy.pypi.wheel_tags, where);
}

Status set_sdists(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.pypi.sdists, read_bool(node, where));
  return {};
}

Status set_max_file_size(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(const std::int64_t bytes, read_integer(node, where));
  if (bytes <= 0) {
    return bad_value(where, "must be a positive number of bytes");
  }
  policy.pypi.max_file_size = static_cast<std::uint64_t>(bytes);
  return {};
}

Status set_file_hosts(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.pypi.file_hosts, read_string_list(node, where));
  for (const std::string& host : policy.pypi.file_hosts) {
    if (host.empty() || host.find_first_of("/:@ ") != std::string::npos) {
      return bad_value(where, "entry '" + host +
                                  "' must be a bare host name (no scheme, port "
                                  "or path), e.g. \"download-r2.pytorch.org\"");
    }
  }
  return {};
}

Status set_dependencies(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.pypi.dependencies, read_bool(node, where));
  return {};
}

constexpr std::array kPypiFields = {
    Field{"index", true, set_index},
    Field{"projects", true, set_projects},
    Field{"versions", false, set_versions},
    Field{"latest", false, set_latest},
    Field{"prereleases", false, set_prereleases},
    Field{"wheel_tags", false, set_wheel_tags},
    Field{"sdists", false, set_sdists},
    Field{"max_file_size", false, set_max_file_size},
    Field{"file_hosts", false, set_file_hosts},
    Field{"dependencies", false, set_dependencies},
};

Error invalid_adhoc(std::string_view target, std::string_view problem) {
  return make_error(ErrorCode::kInvalidInput,
                    "invalid target '" + std::string(target) + "': " + std::string(problem) +
                        "; expected pypi:NAME or pypi:NAME==VERSION (any PEP 440 specifiers)");
}

}  // namespace

std::span<const Field> pypi_fields() {
  return kPypiFields;
}

std::string PypiTarget::key(const std::string& policy_name) const {
  if (root.empty()) {
    return "pypi:" + policy_name;
  }
  // Ad-hoc targets: spelled differently, the same project is still the same pull.
  std::string key = "pypi:" + root + ":";
  for (const std::string& project : projects) {
    key += normalize_project_name(project) + ",";
  }
  return key + versions;
}

Result<Policy> parse_adhoc_pypi_target(std::string_view target) {
  if (!target.starts_with(kPypiPrefix)) {
    return invalid_adhoc(target, "not an ad-hoc pypi target");
  }
  const std::string_view rest = target.substr(kPypiPrefix.size());
  const std::size_t name_end = rest.find_first_of("=<>!~ ,;");
  const std::string_view name = rest.substr(0, name_end);
  if (const std::string problem = project_name_problem(name); !problem.empty()) {
    return invalid_adhoc(target, "the project name '" + std::string(name) + "' " + problem);
  }
  Policy policy;
  policy.name = std::string(target);
  policy.source = "pypi";
  policy.pypi.projects = {std::string(name)};
  policy.pypi.root = std::string(kAdhocRoot);
  policy.pypi.latest = 1;  // without a pin: the newest release, not the whole history
  if (name_end != std::string_view::npos) {
    policy.pypi.versions = std::string(rest.substr(name_end));
    auto parsed = SpecifierSet::parse(policy.pypi.versions);
    if (!parsed) {
      return invalid_adhoc(target, parsed.error().message);
    }
  }
  return policy;
}

}  // namespace mirrord
