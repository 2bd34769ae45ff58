// Turning what a user typed into a Policy: names, aliases, ad-hoc "hf:" targets, and
// "did you mean" help for everything else.
#include <algorithm>
#include <string>
#include <utility>

#include "policies/identifiers.hpp"
#include "policies/policy.hpp"

namespace mirrord {
namespace {

// Prefix matches ("deepseek-r1" for "deepseek") count only from this length on, so that one or
// two letters do not suggest half the catalogue.
constexpr std::size_t kMinPrefixLength = 3;

// Typos allowed grow with the length of what was typed: 1 for "glm", 3 for "deepseek-r1".
std::size_t typo_budget(std::string_view typed) {
  return std::min<std::size_t>(3, typed.size() / 3 + 1);
}

bool is_prefix_pair(std::string_view a, std::string_view b) {
  const std::string_view shorter = a.size() < b.size() ? a : b;
  const std::string_view longer = a.size() < b.size() ? b : a;
  return shorter.size() >= kMinPrefixLength && longer.starts_with(shorter);
}

std::string join(const std::vector<std::string>& items) {
  std::string joined;
  for (const std::string& item : items) {
    joined += (joined.empty() ? "" : ", ") + item;
  }
  return joined;
}

// Names of policies that mirror `repo`, for someone who typed "Qwen/X" rather than "qwen".
std::vector<std::string> policies_for_repo(const std::vector<Policy>& policies,
                                           std::string_view repo) {
  std::vector<std::string> names;
  for (const Policy& policy : policies) {
    if (ascii_lower(policy.hf.repo) == ascii_lower(repo)) {
      names.push_back(policy.name);
    }
  }
  return names;
}

}  // namespace

std::vector<std::string> PolicySet::close_matches(std::string_view name, std::size_t max) const {
  const std::string typed = ascii_lower(name);
  std::vector<std::pair<std::size_t, std::string>> ranked;
  for (const Policy& policy : policies_) {
    std::vector<std::string> spellings{policy.name};
    spellings.insert(spellings.end(), policy.aliases.begin(), policy.aliases.end());
    for (const std::string& spelling : spellings) {
      const std::string lower = ascii_lower(spelling);
      const std::size_t distance = edit_distance(typed, lower);
      if (distance <= typo_budget(typed) || is_prefix_pair(typed, lower)) {
        ranked.emplace_back(distance, spelling);
      }
    }
  }
  std::sort(ranked.begin(), ranked.end());
  std::vector<std::string> matches;
  for (auto& [distance, spelling] : ranked) {
    if (matches.size() < max &&
        std::find(matches.begin(), matches.end(), spelling) == matches.end()) {
      matches.push_back(std::move(spelling));
    }
  }
  return matches;
}

Result<Policy> PolicySet::resolve(std::string_view target) const {
  if (target.empty()) {
    return make_error(ErrorCode::kInvalidInput,
                      "empty target; expected a policy name, an alias, or hf:ORG/NAME[@REVISION]");
  }
  for (const Policy& policy : policies_) {
    if (policy.name == target) {
      return policy;
    }
  }
  const std::string lower = ascii_lower(target);
  for (const Policy& policy : policies_) {
    const auto same = [&](const std::string& spelling) { return ascii_lower(spelling) == lower; };
    if (same(policy.name) || std::any_of(policy.aliases.begin(), policy.aliases.end(), same)) {
      return policy;
    }
  }
  if (target.starts_with("hf:")) {
    return parse_adhoc_target(target);
  }
  if (target.starts_with("pypi:")) {
    return parse_adhoc_pypi_target(target);
  }
  if (target.starts_with("git:")) {
    return parse_adhoc_git_target(target);
  }
  if (const std::size_t colon = target.find(':'); colon != std::string_view::npos) {
    return make_error(ErrorCode::kInvalidInput,
                      "unsupported source '" + std::string(target.substr(0, colon)) + "' in '" +
                          std::string(target) +
                          "'; ad-hoc targets are hf:ORG/NAME[@REVISION], pypi:NAME[==VERSION], "
                          "git:URL");
  }
  std::string message = "unknown target '" + std::string(target) + "'";
  std::vector<std::string> suggestions = policies_for_repo(policies_, target);
  if (suggestions.empty()) {
    suggestions = close_matches(target);
  }
  if (!suggestions.empty()) {
    message += "; did you mean: " + join(suggestions) + "?";
  } else {
    message += "; run `mirrorctl ls` or see the policies directory";
  }
  if (repo_id_problem(target).empty()) {
    message += " (to mirror a repository without a policy, use hf:" + std::string(target) + ")";
  }
  return make_error(ErrorCode::kNotFound, std::move(message));
}

}  // namespace mirrord
