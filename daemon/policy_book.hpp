// PolicyBook: the policies the daemon answers pulls with — the operator's directory over the
// shipped catalog. An operator entry with the same name as a catalog entry replaces it, so a site
// can pin a different revision of `qwen` without editing shipped files.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "policies/policy.hpp"
#include "storage/result.hpp"

namespace mirrord {

class PolicyBook {
 public:
  static Result<PolicyBook> load(const std::filesystem::path& operator_dir,
                                 const std::filesystem::path& catalog_dir);
  Result<Policy> resolve(std::string_view target) const;
  std::vector<Policy> all() const;
  // Names and aliases of both sets close to `target`, best first.
  std::vector<std::string> close_matches(
      std::string_view target) const;  // operator entries, then catalog entries not replaced

 private:
  PolicySet operator_set_;
  PolicySet catalog_set_;
};

}  // namespace mirrord
