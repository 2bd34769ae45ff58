#include "daemon/replica/target_repos.hpp"

#include <set>

#include "daemon/apt/apt_state.hpp"
#include "daemon/git/git_catalog.hpp"
#include "daemon/pypi/pypi_catalog.hpp"
#include "daemon/replica/record_checks.hpp"
#include "policies/pypi_names.hpp"

namespace mirrord::replica {
namespace {

Result<std::vector<RepoKey>> published(Catalog& catalog, const Policy& policy,
                                       std::vector<RepoKey> repos) {
  std::vector<RepoKey> found;
  for (RepoKey& repo : repos) {
    MIRRORD_TRY_ASSIGN(const bool exists, catalog.repo_exists(repo));
    if (exists) {
      found.push_back(std::move(repo));
    }
  }
  if (found.empty()) {
    return make_error(ErrorCode::kNotFound,
                      policy.name + " has nothing mirrored yet; pull it before exporting it");
  }
  return found;
}

}  // namespace

Result<std::vector<RepoKey>> repos_of_policy(const Policy& policy, Catalog& catalog) {
  if (policy.source == "hf") {
    return published(catalog, policy, {RepoKey{policy.hf.repo_type, policy.hf.repo}});
  }
  if (policy.source == "apt") {
    return published(catalog, policy, {apt::apt_repo_key(policy.name)});
  }
  if (policy.source == "pypi") {
    const std::string root = policy.pypi.root_name(policy.name);
    MIRRORD_TRY_ASSIGN(const auto projects, pypi::list_projects(catalog, root));
    std::set<std::string> asked;  // an ad-hoc pypi:NAME shares its root with other targets
    for (const std::string& project : policy.pypi.projects) {
      asked.insert(normalize_project_name(project));
    }
    std::vector<RepoKey> repos;
    for (const std::string& project : projects) {
      if (!policy.file.empty() || asked.contains(project)) {
        repos.push_back(pypi::project_repo(root, project));
      }
    }
    return published(catalog, policy, std::move(repos));
  }
  if (policy.source == "git") {
    return published(catalog, policy,
                     {RepoKey{git::kGitRepoKind, policy.git.mirror_name(policy.name)}});
  }
  return make_error(ErrorCode::kInvalidInput,
                    policy.name + ": " +
                        check_repo_kind(policy.source)
                            .value_or("source '" + policy.source + "' cannot be exported"));
}

}  // namespace mirrord::replica
