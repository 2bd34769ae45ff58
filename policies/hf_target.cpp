// HfTarget's key and file selection, and ad-hoc "hf:..." targets.
#include <algorithm>
#include <string>

#include "policies/identifiers.hpp"
#include "policies/policy.hpp"

namespace mirrord {
namespace {

constexpr std::string_view kHfPrefix = "hf:";
constexpr std::string_view kDatasetsPrefix = "datasets/";
constexpr std::string_view kAdhocForms =
    "expected hf:ORG/NAME[@REVISION] or hf:datasets/ORG/NAME[@REVISION]";

Error invalid_target(std::string_view target, std::string_view problem) {
  return make_error(ErrorCode::kInvalidInput, "invalid target '" + std::string(target) +
                                                  "': " + std::string(problem) + "; " +
                                                  std::string(kAdhocForms));
}

bool any_matches(const std::vector<std::string>& patterns, std::string_view path) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& pattern) { return glob_match(pattern, path); });
}

}  // namespace

std::string HfTarget::key() const {
  return std::string(kHfPrefix) + repo_type + ":" + repo + "@" + revision;
}

bool HfTarget::selects(std::string_view path) const {
  if (any_matches(exclude, path)) {
    return false;  // exclude wins, so a broad include cannot let an excluded format back in
  }
  return include.empty() || any_matches(include, path);
}

Result<Policy> parse_adhoc_target(std::string_view target) {
  if (!target.starts_with(kHfPrefix)) {
    return invalid_target(target, "not an ad-hoc target");
  }
  std::string_view rest = target.substr(kHfPrefix.size());
  HfTarget hf;
  if (const std::size_t at = rest.find('@'); at != std::string_view::npos) {
    hf.revision = std::string(rest.substr(at + 1));
    if (const std::string problem = revision_problem(hf.revision); !problem.empty()) {
      return invalid_target(target, "the revision after '@' " + problem);
    }
    rest = rest.substr(0, at);
  }
  // "datasets/ORG/NAME" has two slashes; "datasets/NAME" is a model of an org called "datasets".
  if (rest.starts_with(kDatasetsPrefix) && std::count(rest.begin(), rest.end(), '/') == 2) {
    hf.repo_type = "dataset";
    rest.remove_prefix(kDatasetsPrefix.size());
  }
  if (const std::string problem = repo_id_problem(rest); !problem.empty()) {
    return invalid_target(target, "repository '" + std::string(rest) + "' " + problem);
  }
  hf.repo = std::string(rest);
  Policy policy;
  policy.name = std::string(target);
  policy.source = "hf";
  policy.hf = std::move(hf);
  return policy;
}

}  // namespace mirrord
