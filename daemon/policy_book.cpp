#include "daemon/policy_book.hpp"

#include <algorithm>
#include <set>

namespace mirrord {

Result<PolicyBook> PolicyBook::load(const std::filesystem::path& operator_dir,
                                    const std::filesystem::path& catalog_dir) {
  PolicyBook book;
  if (!catalog_dir.empty()) {
    MIRRORD_TRY_ASSIGN(book.catalog_set_, PolicySet::load({catalog_dir}));
  }
  if (!operator_dir.empty()) {
    MIRRORD_TRY_ASSIGN(book.operator_set_, PolicySet::load({operator_dir}));
  }
  return book;
}

Result<Policy> PolicyBook::resolve(std::string_view target) const {
  auto from_operator = operator_set_.resolve(target);
  if (from_operator || from_operator.error().code != ErrorCode::kNotFound) {
    return from_operator;
  }
  auto from_catalog = catalog_set_.resolve(target);
  if (from_catalog || from_catalog.error().code != ErrorCode::kNotFound) {
    return from_catalog;
  }
  const std::vector<std::string> matches = close_matches(target);
  std::string message = "unknown target '" + std::string(target) + "'";
  if (!matches.empty()) {
    message += "; did you mean: ";
    for (std::size_t i = 0; i < matches.size() && i < 3; ++i) {
      message += (i ? ", " : "") + matches[i];
    }
    message += "?";
  } else {
    message += "; name a policy (see `mirrorctl help`) or use hf:ORG/NAME[@REV]";
  }
  return make_error(ErrorCode::kNotFound, message);
}

std::vector<std::string> PolicyBook::close_matches(std::string_view target) const {
  std::vector<std::string> matches = operator_set_.close_matches(target);
  for (auto& name : catalog_set_.close_matches(target)) {
    if (std::find(matches.begin(), matches.end(), name) == matches.end()) {
      matches.push_back(name);
    }
  }
  return matches;
}

std::vector<Policy> PolicyBook::all() const {
  std::vector<Policy> policies = operator_set_.policies();
  std::set<std::string> names;
  for (const auto& policy : policies) {
    names.insert(policy.name);
  }
  for (const auto& policy : catalog_set_.policies()) {
    if (!names.contains(policy.name)) {
      policies.push_back(policy);
    }
  }
  return policies;
}

}  // namespace mirrord
