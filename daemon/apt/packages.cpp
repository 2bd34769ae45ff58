#include "daemon/apt/packages.hpp"

#include <charconv>
#include <deque>
#include <map>

#include "daemon/apt/deb822.hpp"
#include "daemon/apt/release.hpp"
#include "storage/text.hpp"

namespace mirrord::apt {
namespace {

std::string_view trim(std::string_view text) {
  return trim_any(text, " \t\n");
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(separator, start), text.size());
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

// "b:any (>= 1) [amd64]" -> "b"
std::string relation_name(std::string_view alternative) {
  alternative = trim(alternative);
  const std::size_t end = alternative.find_first_of(" \t\n(:[<");
  return std::string(alternative.substr(0, end));
}

Error bad_stanza(const Deb822Stanza& stanza, const std::string& problem) {
  const std::string name(stanza.get("Package").value_or("?"));
  return make_error(ErrorCode::kInvalidInput, "Packages: line " +
                                                  std::to_string(stanza.first_line()) +
                                                  " (package " + name + "): " + problem);
}

Result<PackageEntry> package_of(const Deb822Stanza& stanza) {
  PackageEntry entry;
  entry.name = std::string(stanza.get("Package").value_or(""));
  entry.filename = std::string(stanza.get("Filename").value_or(""));
  if (entry.name.empty() || entry.filename.empty()) {
    return bad_stanza(stanza, "no Package or Filename field");
  }
  if (!is_safe_relative_path(entry.filename) || entry.filename.starts_with("dists/")) {
    return bad_stanza(stanza, "unsafe Filename '" + entry.filename.substr(0, 200) + "'");
  }
  const std::string_view size = stanza.get("Size").value_or("");
  const auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), entry.size);
  if (size.empty() || ec != std::errc() || end != size.data() + size.size()) {
    return bad_stanza(stanza, "no valid Size field");
  }
  const auto sha256 = Sha256::from_hex(stanza.get("SHA256").value_or(""));
  if (!sha256) {
    return bad_stanza(stanza, "no valid SHA256 field");
  }
  entry.sha256 = *sha256;
  entry.version = std::string(stanza.get("Version").value_or(""));
  entry.architecture = std::string(stanza.get("Architecture").value_or(""));
  entry.priority = std::string(stanza.get("Priority").value_or(""));
  for (const char* field : {"Pre-Depends", "Depends"}) {
    auto groups = parse_relations(stanza.get(field).value_or(""));
    entry.depends.insert(entry.depends.end(), groups.begin(), groups.end());
  }
  for (auto& group : parse_relations(stanza.get("Provides").value_or(""))) {
    entry.provides.insert(entry.provides.end(), group.begin(), group.end());
  }
  return entry;
}

// The closure walk over names; see select_package_names.
class Closure {
 public:
  explicit Closure(const std::vector<PackageEntry>& packages) {
    for (const PackageEntry& package : packages) {
      by_name_.emplace(package.name, &package);
      for (const std::string& provided : package.provides) {
        providers_[provided].insert(package.name);
      }
    }
  }

  bool is_package(const std::string& name) const { return by_name_.contains(name); }
  const std::set<std::string>& selected() const { return selected_; }

  void add(const std::string& name) {
    if (selected_.insert(name).second) {
      pending_.push_back(name);
    }
  }

  std::set<std::string> run() {
    while (!pending_.empty()) {
      const std::string name = pending_.front();
      pending_.pop_front();
      const auto [first, last] = by_name_.equal_range(name);
      for (auto it = first; it != last; ++it) {
        for (const auto& group : it->second->depends) {
          add_group(group);
        }
      }
    }
    return selected_;
  }

 private:
  void add_group(const std::vector<std::string>& group) {
    for (const std::string& name : group) {
      if (is_package(name)) {
        add(name);
        return;
      }
    }
    for (const std::string& name : group) {
      if (auto providers = providers_.find(name); providers != providers_.end()) {
        for (const std::string& provider : providers->second) {
          add(provider);
        }
        return;
      }
    }
  }

  std::multimap<std::string, const PackageEntry*> by_name_;
  std::map<std::string, std::set<std::string>> providers_;
  std::set<std::string> selected_;
  std::deque<std::string> pending_;
};

}  // namespace

std::vector<std::vector<std::string>> parse_relations(std::string_view field) {
  std::vector<std::vector<std::string>> groups;
  for (std::string_view group_text : split(field, ',')) {
    std::vector<std::string> group;
    for (std::string_view alternative : split(group_text, '|')) {
      if (std::string name = relation_name(alternative); !name.empty()) {
        group.push_back(std::move(name));
      }
    }
    if (!group.empty()) {
      groups.push_back(std::move(group));
    }
  }
  return groups;
}

Status for_each_package(std::string_view packages_text,
                        const std::function<Status(PackageEntry&&)>& on_package) {
  return for_each_deb822_stanza(packages_text, Deb822Limits{},
                                [&](const Deb822Stanza& stanza) -> Status {
                                  MIRRORD_TRY_ASSIGN(PackageEntry entry, package_of(stanza));
                                  return on_package(std::move(entry));
                                });
}

Result<std::set<std::string>> select_package_names(const std::vector<PackageEntry>& packages,
                                                   const AptTarget& target) {
  Closure closure(packages);
  if (target.mirrors_everything()) {
    for (const PackageEntry& package : packages) {
      closure.add(package.name);
    }
    return closure.selected();
  }
  for (const std::string& name : target.packages) {
    if (!closure.is_package(name)) {
      return make_error(ErrorCode::kNotFound, "package '" + name +
                                                  "' is in no index of the policy's suites, "
                                                  "components and architectures");
    }
    closure.add(name);
  }
  const std::set<std::string> priorities(target.priorities.begin(), target.priorities.end());
  for (const PackageEntry& package : packages) {
    if (priorities.contains(package.priority)) {
      closure.add(package.name);
    }
  }
  return target.dependencies ? closure.run() : closure.selected();
}

}  // namespace mirrord::apt
