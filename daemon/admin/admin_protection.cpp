#include "daemon/admin/admin_protection.hpp"

#include <array>

#include <nlohmann/json.hpp>

#include "daemon/admin/admin_json.hpp"
#include "daemon/apt/apt_state.hpp"
#include "daemon/git/git_catalog.hpp"
#include "daemon/pypi/pypi_catalog.hpp"
#include "policies/pypi_names.hpp"

namespace mirrord {
namespace {

using nlohmann::json;

json pin_json(const PinRecord& pin) {
  return json{{"kind", pin.kind},
              {"repo", pin.repo},
              {"revision", pin.name},
              {"commit", pin.commit},
              {"ref", pin.names_ref()},
              {"reason", pin.reason},
              {"created_at", pin.created_at}};
}

json change_json(const UpstreamChange& change) {
  return json{{"id", change.id},         {"kind", change.kind},
              {"repo", change.repo},     {"change", change.change},
              {"detail", change.detail}, {"recorded_at", change.recorded_at}};
}

// A repo of the catalog and the revision a pin without one names.
struct ProtectedRepo {
  RepoKey repo;
  std::string default_revision;
};

// The branch HEAD of a git mirror names, from its sync record ("" when unknown).
std::string git_head(Catalog& catalog, const RepoKey& repo) {
  auto commit = catalog.resolve_ref(repo, git::kCurrentRef);
  if (!commit || !*commit)
    return {};
  auto snapshot = catalog.find_snapshot(repo, **commit);
  if (!snapshot || !*snapshot)
    return {};
  const json record = json::parse((*snapshot)->info_json, nullptr, false);
  return record.is_object() ? record.value("head", "") : "";
}

Result<ProtectedRepo> repo_of_policy(Catalog& catalog, const Policy& policy) {
  if (policy.source == "git") {
    const RepoKey repo{git::kGitRepoKind, policy.git.mirror_name(policy.name)};
    return ProtectedRepo{repo, git_head(catalog, repo)};
  }
  if (policy.source == "apt") {
    return ProtectedRepo{apt::apt_repo_key(policy.name), apt::kCurrentRef};
  }
  if (policy.source == "pypi") {
    if (policy.pypi.projects.size() != 1) {
      return make_error(
          ErrorCode::kInvalidInput,
          "policy '" + policy.name + "' mirrors several projects; name one as pypi:ROOT/PROJECT");
    }
    return ProtectedRepo{pypi::project_repo(policy.pypi.root_name(policy.name),
                                            normalize_project_name(policy.pypi.projects[0])),
                         pypi::kCurrentRef};
  }
  return ProtectedRepo{{policy.hf.repo_type, policy.hf.repo}, policy.hf.revision};
}

// "KIND:NAME" as `mirrorctl ls` lists a repo (model:org/x, pypi:pypi/torch, git:name, apt:name),
// when the catalog holds it.
std::optional<RepoKey> catalog_repo(Catalog& catalog, const std::string& target) {
  constexpr std::array kKinds = {"model", "dataset", "space", "pypi", "git", "apt"};
  const std::size_t colon = target.find(':');
  if (colon == std::string::npos)
    return std::nullopt;
  const RepoKey repo{target.substr(0, colon), target.substr(colon + 1)};
  if (std::find(kKinds.begin(), kKinds.end(), repo.kind) == kKinds.end())
    return std::nullopt;
  auto exists = catalog.repo_exists(repo);
  return exists && *exists ? std::optional<RepoKey>(repo) : std::nullopt;
}

// A mirrored repo as the catalog names it ("KIND:NAME"), a policy name or alias, an ad-hoc
// target, or "ORG/NAME[@REV]" for a model.
Result<ProtectedRepo> resolve_repo(const AdminProtectionDeps& deps, const std::string& target) {
  if (auto repo = catalog_repo(*deps.catalog, target)) {
    return ProtectedRepo{*repo, ""};
  }
  auto policy = deps.policies->resolve(target);
  if (policy)
    return repo_of_policy(*deps.catalog, *policy);
  const std::size_t at = target.find('@');
  if (target.substr(0, at).find('/') == std::string::npos)
    return policy.error();
  return ProtectedRepo{{"model", target.substr(0, at)},
                       at == std::string::npos ? "main" : target.substr(at + 1)};
}

std::string query_value(const http::Request& request, const std::string& name) {
  const auto query = http::parse_query(request.query);
  for (const auto& [key, value] : query.value_or(decltype(query)::value_type{})) {
    if (key == name)
      return value;
  }
  return {};
}

// The names a revision may stand for: git refs are also reachable by their short names.
std::vector<std::string> revision_spellings(const RepoKey& repo, const std::string& revision) {
  if (repo.kind != git::kGitRepoKind || revision.starts_with("refs/")) {
    return {revision};
  }
  return {revision, "refs/tags/" + revision, "refs/heads/" + revision};
}

template <class Fn>
Result<PinRecord> on_first_spelling(const RepoKey& repo, const std::string& revision, Fn fn) {
  Result<PinRecord> result = make_error(ErrorCode::kNotFound, "no revision");
  for (const std::string& spelling : revision_spellings(repo, revision)) {
    result = fn(spelling);
    if (result || result.error().code != ErrorCode::kNotFound)
      return result;
  }
  return result;
}

struct PinBody {
  ProtectedRepo target;
  std::string revision;
  std::string reason;
};

Result<PinBody> read_pin_body(const AdminProtectionDeps& deps, const http::Request& request) {
  const json body = json::parse(request.body, nullptr, false);
  const auto text = [&body](const char* key) {
    return body.contains(key) && body[key].is_string() ? body[key].get<std::string>() : "";
  };
  if (!body.is_object() || text("target").empty()) {
    return make_error(ErrorCode::kInvalidInput,
                      R"(the body must be {"target": "T", "revision": "R", "reason": "why"})");
  }
  MIRRORD_TRY_ASSIGN(ProtectedRepo target, resolve_repo(deps, text("target")));
  std::string revision = text("revision").empty() ? target.default_revision : text("revision");
  if (revision.empty()) {
    return make_error(ErrorCode::kInvalidInput,
                      "name the revision of " + target.repo.name + " (a ref or a commit)");
  }
  return PinBody{std::move(target), std::move(revision), text("reason")};
}

http::Response pin(const AdminProtectionDeps& deps, const http::Request& request, bool add) {
  auto body = read_pin_body(deps, request);
  if (!body)
    return error_answer(body.error());
  const RepoKey& repo = body->target.repo;
  auto done = on_first_spelling(repo, body->revision, [&](const std::string& spelling) {
    return add ? deps.catalog->pin(repo, spelling, body->reason)
               : deps.catalog->unpin(repo, spelling);
  });
  if (!done)
    return error_answer(done.error());
  return http::json_response(200, json{{"pin", pin_json(*done)}}.dump());
}

// The repo named by ?target=, when given; `all` when not.
Result<std::optional<RepoKey>> optional_target(const AdminProtectionDeps& deps,
                                               const http::Request& request) {
  const std::string target = query_value(request, "target");
  if (target.empty())
    return std::optional<RepoKey>();
  MIRRORD_TRY_ASSIGN(const ProtectedRepo resolved, resolve_repo(deps, target));
  return std::optional<RepoKey>(resolved.repo);
}

// The items of a catalog listing as JSON; on failure `status` holds the error.
template <class Item>
json json_list(const Result<std::vector<Item>>& items, json (*to_json)(const Item&),
               Status& status) {
  json list = json::array();
  if (!items) {
    status = items.error();
    return list;
  }
  for (const Item& item : *items)
    list.push_back(to_json(item));
  return list;
}

json pins_of(Catalog& catalog, const RepoKey* repo, Status& status) {
  return json_list(catalog.list_pins(repo), pin_json, status);
}

json changes_of(Catalog& catalog, const RepoKey* repo, Status& status) {
  return json_list(catalog.list_upstream_changes(repo), change_json, status);
}

template <class List>
http::Response listing(const AdminProtectionDeps& deps, const http::Request& request,
                       const char* key, List list) {
  auto repo = optional_target(deps, request);
  if (!repo)
    return error_answer(repo.error());
  Status status;
  const json items = list(*deps.catalog, *repo ? &**repo : nullptr, status);
  if (!status)
    return error_answer(status.error());
  return http::json_response(200, json{{key, items}}.dump());
}

// The answer for a mirrored repo the trust part cannot show: its refs.
std::optional<json> refs_answer(Catalog& catalog, const ProtectedRepo& target) {
  auto refs = catalog.list_refs(target.repo);
  if (!refs || refs->empty())
    return std::nullopt;
  json list = json::array();
  for (const RefInfo& ref : *refs) {
    list.push_back(
        json{{"name", ref.name}, {"commit", ref.commit}, {"updated_at", ref.updated_at}});
  }
  return json{{"kind", target.repo.kind},
              {"repo", target.repo.name},
              {"revision", target.default_revision},
              {"refs", list}};
}

}  // namespace

std::optional<http::Response> handle_protection_request(const AdminProtectionDeps& deps,
                                                        const http::Request& request) {
  const bool get = request.method == "GET";
  const bool post = request.method == "POST";
  if (request.path == "/v1/pins") {
    return get    ? listing(deps, request, "pins", pins_of)
           : post ? pin(deps, request, true)
                  : error_answer(405, "method not allowed");
  }
  if (request.path == "/v1/pins/remove") {
    return post ? pin(deps, request, false) : error_answer(405, "method not allowed");
  }
  if (request.path == "/v1/changes") {
    return get ? listing(deps, request, "changes", changes_of)
               : error_answer(405, "method not allowed");
  }
  return std::nullopt;
}

http::Response with_protection(const AdminProtectionDeps& deps, const http::Request& request,
                               http::Response shown) {
  auto target = resolve_repo(deps, query_value(request, "target"));
  if (!target)
    return shown;
  json answer = shown.status == 200 ? json::parse(shown.body, nullptr, false) : json();
  if (!answer.is_object()) {
    auto refs = refs_answer(*deps.catalog, *target);
    if (!refs)
      return shown;
    answer = std::move(*refs);
  }
  Status status;
  answer["pins"] = pins_of(*deps.catalog, &target->repo, status);
  answer["upstream_changes"] = changes_of(*deps.catalog, &target->repo, status);
  if (!status)
    return error_answer(status.error());
  return http::json_response(200, answer.dump());
}

}  // namespace mirrord
