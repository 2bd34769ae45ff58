// The `[[mirror]]` keys of source = "apt" and AptTarget's key.
#include <algorithm>
#include <array>
#include <cctype>

#include "policies/entry_fields.hpp"

namespace mirrord {
namespace {

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// Suites and components become path segments under dists/: letters, digits and ._+~- in
// '/'-separated parts ("bookworm", "bookworm-updates", "updates/main"), no "." or ".." parts.
std::string dists_name_problem(std::string_view name) {
  if (name.empty() || name.size() > 100) {
    return "must be 1 to 100 characters";
  }
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t slash = std::min(name.find('/', start), name.size());
    const std::string_view part = name.substr(start, slash - start);
    if (part.empty() || part == "." || part == "..") {
      return "has an empty, '.' or '..' part";
    }
    for (char c : part) {
      if (!std::isalnum(static_cast<unsigned char>(c)) &&
          std::string_view("._+~-").find(c) == std::string_view::npos) {
        return "may hold only letters, digits, '/', '.', '_', '+', '~' and '-'";
      }
    }
    start = slash + 1;
  }
  return {};
}

Status check_each(const std::vector<std::string>& values, const Where& where,
                  std::string (*problem_of)(std::string_view)) {
  if (values.empty()) {
    return bad_value(where, "must not be empty");
  }
  for (const std::string& value : values) {
    if (const std::string problem = problem_of(value); !problem.empty()) {
      return bad_value(where, "entry '" + value + "' " + problem);
    }
  }
  return {};
}

std::string architecture_problem(std::string_view arch) {
  const bool ok =
      !arch.empty() && arch.size() <= 32 &&
      std::all_of(arch.begin(), arch.end(), [](char c) { return is_lower_alnum(c) || c == '-'; });
  return ok ? std::string() : "must be a Debian architecture name such as amd64 or arm64";
}

// Debian policy §5.6.1: lower-case letters, digits, '+', '-', '.'; at least two characters,
// starting with a letter or digit.
std::string package_name_problem(std::string_view name) {
  const bool ok = name.size() >= 2 && is_lower_alnum(name[0]) &&
                  std::all_of(name.begin(), name.end(), [](char c) {
                    return is_lower_alnum(c) || c == '+' || c == '-' || c == '.';
                  });
  return ok ? std::string() : "is not a Debian package name";
}

std::string priority_problem(std::string_view priority) {
  constexpr std::array kPriorities = {"required", "important", "standard", "optional", "extra"};
  return std::find(kPriorities.begin(), kPriorities.end(), priority) != kPriorities.end()
             ? std::string()
             : "is not one of required, important, standard, optional, extra";
}

// An archive root: http(s), no query, fragment or spaces; trailing slashes dropped.
Status check_archive_url(std::string& url, const Where& where) {
  if (!url.starts_with("https://") && !url.starts_with("http://")) {
    return bad_value(where, "must be an http(s):// URL of an archive root");
  }
  if (url.find_first_of("?# \t") != std::string::npos) {
    return bad_value(where, "must be a plain archive root URL (no query, fragment or spaces)");
  }
  while (url.ends_with('/')) {
    url.pop_back();
  }
  return {};
}

// `url = "ROOT"`, or `url = ["ROOT1", "ROOT2", ...]`: mirrors of the same archive.
Status set_url(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(std::vector<std::string> urls,
                     read_one_or_more_strings(node, where, "archive root"));
  for (std::string& url : urls) {
    MIRRORD_TRY(check_archive_url(url, where));
  }
  policy.apt.url = urls.front();
  policy.apt.mirror_urls.assign(urls.begin() + 1, urls.end());
  return {};
}

Status set_suites(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.apt.suites, read_string_list(node, where));
  return check_each(policy.apt.suites, where, dists_name_problem);
}

Status set_components(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.apt.components, read_string_list(node, where));
  return check_each(policy.apt.components, where, dists_name_problem);
}

Status set_architectures(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.apt.architectures, read_string_list(node, where));
  return check_each(policy.apt.architectures, where, architecture_problem);
}

Status set_keyring(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(const std::string keyring, read_string(node, where));
  if (keyring.empty()) {
    return bad_value(where, "must name a keyring file (e.g. from `gpg --export`)");
  }
  policy.apt.keyring = keyring;
  if (policy.apt.keyring.is_relative()) {
    policy.apt.keyring = where.file.parent_path() / policy.apt.keyring;
  }
  return {};
}

Status set_fingerprints(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(std::vector<std::string> fingerprints, read_string_list(node, where));
  for (std::string& fingerprint : fingerprints) {
    std::erase(fingerprint, ' ');
    std::transform(fingerprint.begin(), fingerprint.end(), fingerprint.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    const bool hex = std::all_of(fingerprint.begin(), fingerprint.end(),
                                 [](unsigned char c) { return std::isxdigit(c) != 0; });
    if (!hex || (fingerprint.size() != 40 && fingerprint.size() != 64)) {
      return bad_value(where, "entry '" + fingerprint + "' is not a 40- or 64-hex key fingerprint");
    }
  }
  policy.apt.fingerprints = std::move(fingerprints);
  return {};
}

Status set_mode(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(const std::string mode, read_string(node, where));
  if (mode == "verbatim") {
    policy.apt.mode = AptMode::kVerbatim;
  } else if (mode == "resign") {
    policy.apt.mode = AptMode::kResign;
  } else {
    return bad_value(where, "is '" + mode + "'; expected \"verbatim\" or \"resign\"");
  }
  return {};
}

Status set_packages(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.apt.packages, read_string_list(node, where));
  return check_each(policy.apt.packages, where, package_name_problem);
}

Status set_priorities(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.apt.priorities, read_string_list(node, where));
  return check_each(policy.apt.priorities, where, priority_problem);
}

Status set_dependencies(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.apt.dependencies, read_bool(node, where));
  return {};
}

Status set_resign_valid_days(const toml::node& node, const Where& where, Policy& policy) {
  MIRRORD_TRY_ASSIGN(policy.apt.resign_valid_days, read_integer(node, where));
  if (policy.apt.resign_valid_days < 1 || policy.apt.resign_valid_days > 365) {
    return bad_value(where, "must be between 1 and 365 (days)");
  }
  return {};
}

constexpr std::array kAptFields = {
    Field{"url", true, set_url},
    Field{"suites", true, set_suites},
    Field{"components", false, set_components},
    Field{"architectures", false, set_architectures},
    Field{"keyring", true, set_keyring},
    Field{"fingerprints", false, set_fingerprints},
    Field{"mode", false, set_mode},
    Field{"packages", false, set_packages},
    Field{"priorities", false, set_priorities},
    Field{"dependencies", false, set_dependencies},
    Field{"resign_valid_days", false, set_resign_valid_days},
};

}  // namespace

std::span<const Field> apt_fields() {
  return kAptFields;
}

std::string AptTarget::key(const std::string& policy_name) const {
  return "apt:" + policy_name;
}

const char* to_string(AptMode mode) {
  return mode == AptMode::kResign ? "resign" : "verbatim";
}

}  // namespace mirrord
