// Policy files: TOML text -> validated Policy entries; directories of files -> a PolicySet.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "policies/identifiers.hpp"
#include "policies/policy.hpp"
#include "policies/policy_entry.hpp"

namespace mirrord {
namespace {

namespace fs = std::filesystem;

// Policy files are a few kilobytes; anything this large is a mistake, not a policy.
constexpr std::uintmax_t kMaxPolicyFileBytes = 1 << 20;

std::string location(const Policy& policy) {
  return policy.file.string() + ":" + std::to_string(policy.line);
}

Result<std::vector<Policy>> read_entries(const toml::table& root, const fs::path& file) {
  std::vector<Policy> policies;
  for (const auto& [key, node] : root) {
    const std::uint32_t line = key.source().begin.line;
    if (key.str() != "mirror") {
      return located_error(file, line,
                           "unknown top-level key '" + std::string(key.str()) +
                               "'; policy files hold only [[mirror]] entries");
    }
    const toml::array* entries = node.as_array();
    if (entries == nullptr) {
      return located_error(file, line, "'mirror' must be an array of tables: write [[mirror]]");
    }
    for (const toml::node& entry : *entries) {
      if (!entry.is_table()) {
        return located_error(file, entry.source().begin.line,
                             "each 'mirror' entry must be a table: write [[mirror]]");
      }
      MIRRORD_TRY_ASSIGN(Policy policy, read_policy_entry(*entry.as_table(), file));
      policies.push_back(std::move(policy));
    }
  }
  return policies;
}

Result<std::vector<fs::path>> policy_files_in(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".toml" && it->is_regular_file(ec)) {
      files.push_back(it->path());
    }
  }
  if (ec) {
    return make_error(ErrorCode::kIo,
                      "cannot list policy directory " + dir.string() + ": " + ec.message());
  }
  std::sort(files.begin(), files.end());  // a stable order makes "already used by" predictable
  return files;
}

}  // namespace

// Names and aliases share one case-insensitive namespace, so every spelling resolves to exactly
// one policy.
Status check_unique_policy_names(const std::vector<Policy>& policies) {
  std::map<std::string, const Policy*> owners;
  for (const Policy& policy : policies) {
    std::vector<std::string> spellings{policy.name};
    spellings.insert(spellings.end(), policy.aliases.begin(), policy.aliases.end());
    for (std::size_t i = 0; i < spellings.size(); ++i) {
      const auto [it, inserted] = owners.emplace(ascii_lower(spellings[i]), &policy);
      if (inserted) {
        continue;
      }
      const std::string what = i == 0 ? "name" : "alias";
      return located_error(policy.file, static_cast<std::uint32_t>(policy.line),
                           what + " '" + spellings[i] + "' is already used by '" +
                               it->second->name + "' (" + location(*it->second) + ")");
    }
  }
  return {};
}

Result<std::vector<Policy>> PolicySet::parse_text(std::string_view text,
                                                  const fs::path& source_name) {
  toml::table root;
  try {
    root = toml::parse(text, source_name.string());
  } catch (const toml::parse_error& error) {
    // toml++ reports syntax errors by exception; this is the boundary where it becomes a value.
    const toml::source_position begin = error.source().begin;
    return located_error(source_name, begin.line,
                         "TOML syntax error at column " + std::to_string(begin.column) + ": " +
                             std::string(error.description()));
  }
  MIRRORD_TRY_ASSIGN(std::vector<Policy> policies, read_entries(root, source_name));
  MIRRORD_TRY(check_unique_policy_names(policies));
  return policies;
}

Result<std::vector<Policy>> PolicySet::parse_file(const fs::path& file) {
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(file, ec);
  if (ec) {
    return make_error(ErrorCode::kIo,
                      "cannot read policy file " + file.string() + ": " + ec.message());
  }
  if (size > kMaxPolicyFileBytes) {
    return make_error(ErrorCode::kInvalidInput,
                      file.string() + ": policy file larger than 1 MiB; is it the right file?");
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) {
    return make_error(ErrorCode::kIo,
                      "cannot read policy file " + file.string() + ": " + std::strerror(errno));
  }
  return parse_text(text.str(), file);
}

Result<PolicySet> PolicySet::load(const std::vector<fs::path>& dirs) {
  PolicySet set;
  for (const fs::path& dir : dirs) {
    std::error_code ec;
    const fs::file_status status = fs::status(dir, ec);
    if (status.type() == fs::file_type::not_found) {
      continue;  // optional directories (e.g. /etc/mirrord/policies.d) may be absent
    }
    if (ec || !fs::is_directory(status)) {
      const std::string why = ec ? ec.message() : "not a directory";
      return make_error(ErrorCode::kInvalidInput, "policy directory " + dir.string() + ": " + why);
    }
    MIRRORD_TRY_ASSIGN(std::vector<fs::path> files, policy_files_in(dir));
    for (const fs::path& file : files) {
      MIRRORD_TRY_ASSIGN(std::vector<Policy> policies, parse_file(file));
      set.policies_.insert(set.policies_.end(), policies.begin(), policies.end());
    }
  }
  MIRRORD_TRY(check_unique_policy_names(set.policies_));
  return set;
}

}  // namespace mirrord
