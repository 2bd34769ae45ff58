#include "daemon/apt/apt_state.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace mirrord::apt {
namespace {

using nlohmann::json;

json optional_time(const std::optional<std::int64_t>& value) {
  return value ? json(*value) : json(nullptr);
}

std::optional<std::int64_t> read_optional_time(const json& object, const char* key) {
  if (!object.contains(key) || object[key].is_null()) {
    return std::nullopt;
  }
  return object[key].get<std::int64_t>();
}

json suites_json(const std::map<std::string, SuiteState>& suites) {
  json object = json::object();
  for (const auto& [name, suite] : suites) {
    object[name] = json{{"upstream_date", suite.upstream_date},
                        {"upstream_valid_until", optional_time(suite.upstream_valid_until)},
                        {"signed_text_sha256", suite.signed_text_sha256},
                        {"signer", suite.signer},
                        {"served_date", suite.served_date},
                        {"served_valid_until", optional_time(suite.served_valid_until)},
                        {"package_files", suite.package_files}};
  }
  return object;
}

// Files sorted by path, with one entry per path.
Result<std::vector<SnapshotFile>> unique_files(std::vector<SnapshotFile> files) {
  std::sort(files.begin(), files.end(),
            [](const SnapshotFile& a, const SnapshotFile& b) { return a.path < b.path; });
  std::vector<SnapshotFile> unique;
  for (SnapshotFile& file : files) {
    if (!unique.empty() && unique.back().path == file.path) {
      if (unique.back().sha256 != file.sha256) {
        return make_error(ErrorCode::kConflict,
                          "two different files would be served as " + file.path);
      }
      continue;
    }
    unique.push_back(std::move(file));
  }
  return unique;
}

std::vector<RetainedSnapshot> retained_after(const std::optional<CurrentSnapshot>& previous,
                                             std::int64_t now) {
  std::vector<RetainedSnapshot> retained;
  if (!previous) {
    return retained;
  }
  retained.push_back(RetainedSnapshot{previous->info.commit, now + kRetainSeconds});
  for (const RetainedSnapshot& older : previous->state.retained) {
    if (older.until > now && retained.size() < kMaxRetained) {
      retained.push_back(older);
    }
  }
  return retained;
}

}  // namespace

std::string content_id_of(const std::vector<SnapshotFile>& files, const AptRepoState& state) {
  std::string text = state.mode + "\n" + suites_json(state.suites).dump() + "\n";
  for (const SnapshotFile& file : files) {
    text += file.path + '\0' + file.sha256.hex() + '\n';
  }
  return sha256_of(text).hex();
}

std::string state_to_json(const AptRepoState& state) {
  json retained = json::array();
  for (const RetainedSnapshot& snapshot : state.retained) {
    retained.push_back(json{{"commit", snapshot.commit}, {"until", snapshot.until}});
  }
  return json{{"mode", state.mode},
              {"suites", suites_json(state.suites)},
              {"content_id", state.content_id},
              {"retained", retained}}
      .dump();
}

Result<AptRepoState> state_from_json(std::string_view text) {
  const json object = json::parse(text, nullptr, false);
  if (object.is_discarded() || !object.is_object()) {
    return make_error(ErrorCode::kInternal, "apt snapshot info is not a JSON object");
  }
  try {
    AptRepoState state;
    state.mode = object.value("mode", "");
    state.content_id = object.value("content_id", "");
    const json suites = object.value("suites", json::object());
    const json retained_list = object.value("retained", json::array());
    for (const auto& [name, suite] : suites.items()) {
      SuiteState parsed;
      parsed.upstream_date = suite.at("upstream_date").get<std::int64_t>();
      parsed.upstream_valid_until = read_optional_time(suite, "upstream_valid_until");
      parsed.signed_text_sha256 = suite.value("signed_text_sha256", "");
      parsed.signer = suite.value("signer", "");
      parsed.served_date = suite.at("served_date").get<std::int64_t>();
      parsed.served_valid_until = read_optional_time(suite, "served_valid_until");
      parsed.package_files = suite.value("package_files", std::uint64_t{0});
      state.suites.emplace(name, parsed);
    }
    for (const json& retained : retained_list) {
      state.retained.push_back(RetainedSnapshot{retained.at("commit").get<std::string>(),
                                                retained.at("until").get<std::int64_t>()});
    }
    return state;
  } catch (const json::exception& error) {
    return make_error(ErrorCode::kInternal,
                      std::string("apt snapshot info is malformed: ") + error.what());
  }
}

RepoKey apt_repo_key(const std::string& policy_name) {
  return RepoKey{kAptRepoKind, policy_name};
}

Result<std::optional<CurrentSnapshot>> load_current(Catalog& catalog,
                                                    const std::string& policy_name) {
  const RepoKey repo = apt_repo_key(policy_name);
  MIRRORD_TRY_ASSIGN(const auto commit, catalog.resolve_ref(repo, kCurrentRef));
  if (!commit) {
    return std::optional<CurrentSnapshot>();
  }
  MIRRORD_TRY_ASSIGN(const auto info, catalog.find_snapshot(repo, *commit));
  if (!info) {
    return make_error(ErrorCode::kInternal, "ref current of apt repo " + policy_name +
                                                " names a missing snapshot " + *commit);
  }
  CurrentSnapshot current;
  current.info = *info;
  MIRRORD_TRY_ASSIGN(current.state, state_from_json(info->info_json));
  MIRRORD_TRY_ASSIGN(current.files, catalog.list_files(info->id));
  return std::optional<CurrentSnapshot>(std::move(current));
}

Result<std::string> publish_state(Catalog& catalog, const std::string& policy_name,
                                  std::vector<SnapshotFile> files, AptRepoState state,
                                  const std::optional<CurrentSnapshot>& previous,
                                  std::int64_t now) {
  MIRRORD_TRY_ASSIGN(std::vector<SnapshotFile> unique, unique_files(std::move(files)));
  state.content_id = content_id_of(unique, state);
  if (previous && previous->state.content_id == state.content_id) {
    return previous->info.commit;
  }
  state.retained = retained_after(previous, now);
  const std::string info_json = state_to_json(state);
  NewSnapshot snapshot;
  snapshot.repo = apt_repo_key(policy_name);
  snapshot.commit = sha256_of(info_json).hex().substr(0, 40);
  snapshot.files = std::move(unique);
  snapshot.info_json = info_json;
  snapshot.refs = {kCurrentRef};
  MIRRORD_TRY(catalog.publish_snapshot(snapshot));
  return snapshot.commit;
}

}  // namespace mirrord::apt
