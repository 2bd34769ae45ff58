#include "daemon/git/git_fetch.hpp"

#include <algorithm>

#include "daemon/git/git_handles.hpp"

namespace mirrord::git {
namespace {

constexpr const char* kUrlConfigKey = "mirrord.url";

using ConfigHandle = GitHandle<git_config, git_config_free>;

int on_transfer_progress(const git_indexer_progress* stats, void* payload) {
  const auto* callbacks = static_cast<const FetchCallbacks*>(payload);
  if (callbacks->cancel != nullptr && callbacks->cancel->load()) {
    return GIT_EUSER;
  }
  if (callbacks->progress) {
    callbacks->progress(stats->received_objects, stats->total_objects, stats->received_bytes);
  }
  return 0;
}

int on_sideband(const char*, int, void* payload) {
  const auto* callbacks = static_cast<const FetchCallbacks*>(payload);
  return callbacks->cancel != nullptr && callbacks->cancel->load() ? GIT_EUSER : 0;
}

git_remote_callbacks make_callbacks(const FetchCallbacks& callbacks) {
  git_remote_callbacks remote_callbacks = GIT_REMOTE_CALLBACKS_INIT;
  remote_callbacks.transfer_progress = on_transfer_progress;
  remote_callbacks.sideband_progress = on_sideband;
  remote_callbacks.payload = const_cast<FetchCallbacks*>(&callbacks);
  return remote_callbacks;
}

std::vector<UpstreamRef> select_refs(git_remote* remote, const GitTarget& target) {
  const git_remote_head** heads = nullptr;
  std::size_t count = 0;
  std::vector<UpstreamRef> selected;
  if (git_remote_ls(&heads, &count, remote) < 0) {
    return selected;
  }
  for (std::size_t i = 0; i < count; ++i) {
    const std::string name = heads[i]->name;
    if (is_mirrorable_ref_name(name) && target.selects_ref(name)) {
      selected.push_back(UpstreamRef{name, heads[i]->oid});
    }
  }
  std::sort(selected.begin(), selected.end(),
            [](const UpstreamRef& a, const UpstreamRef& b) { return a.name < b.name; });
  selected.erase(
      std::unique(selected.begin(), selected.end(),
                  [](const UpstreamRef& a, const UpstreamRef& b) { return a.name == b.name; }),
      selected.end());
  return selected;
}

// libgit2 reports an HTTP 404 or 410 of the smart protocol only in its message: the upstream
// says the repository does not exist (any more), which is no reason to retry.
Status gone_or(Status connected) {
  if (connected) {
    return connected;
  }
  const std::string& message = connected.error().message;
  for (const char* status : {"status code: 404", "status code: 410"}) {
    if (message.find(status) != std::string::npos) {
      return make_error(ErrorCode::kNotFound, message);
    }
  }
  return connected;
}

std::string default_branch_of(git_remote* remote) {
  GitBuffer branch;
  if (git_remote_default_branch(branch.get(), remote) < 0) {
    git_error_clear();
    return {};
  }
  return std::string(branch.view());
}

Status download(git_remote* remote, const std::vector<UpstreamRef>& refs,
                const git_fetch_options& options) {
  std::vector<std::string> specs;
  specs.reserve(refs.size());
  for (const UpstreamRef& ref : refs) {
    specs.push_back("+" + ref.name + ":" + staging_ref_name(ref.name));
  }
  std::vector<char*> pointers;
  for (std::string& spec : specs) {
    pointers.push_back(spec.data());
  }
  git_strarray refspecs{pointers.data(), pointers.size()};
  return git_check(git_remote_download(remote, &refspecs, &options), "download from upstream",
                   ErrorCode::kUpstreamRetryable);
}

// Points each staging ref at what upstream advertised, after checking the object arrived.
Status record_staging_refs(git_repository* repo, const std::vector<UpstreamRef>& refs) {
  git_odb* raw_odb = nullptr;
  MIRRORD_TRY(git_check(git_repository_odb(&raw_odb, repo), "open object database"));
  OdbHandle odb(raw_odb);
  for (const UpstreamRef& ref : refs) {
    if (git_odb_exists(odb.get(), &ref.oid) != 1) {
      return make_error(ErrorCode::kUpstream, "upstream advertised " + ref.name + " at " +
                                                  oid_hex(ref.oid) +
                                                  " but did not send that object");
    }
    git_reference* raw = nullptr;
    const std::string staging = staging_ref_name(ref.name);
    MIRRORD_TRY(git_check(
        git_reference_create(&raw, repo, staging.c_str(), &ref.oid, /*force=*/1, "mirrord stage"),
        "write " + staging));
    git_reference_free(raw);
  }
  return {};
}

}  // namespace

bool is_mirrorable_ref_name(const std::string& name) {
  if (!name.starts_with("refs/") || name.starts_with(kPrivatePrefix) || name.ends_with("^{}")) {
    return false;
  }
  int valid = 0;
  return git_reference_name_is_valid(&valid, name.c_str()) == 0 && valid == 1;
}

std::string staging_ref_name(std::string_view upstream_name) {
  std::string_view rest = upstream_name;
  if (rest.starts_with("refs/")) {
    rest.remove_prefix(5);
  }
  return std::string(kStagingPrefix) + std::string(rest);
}

Status check_mirror_url(git_repository* repo, const std::string& url) {
  git_config* raw = nullptr;
  MIRRORD_TRY(git_check(git_repository_config(&raw, repo), "open repository config"));
  ConfigHandle config(raw);
  GitBuffer recorded;
  if (git_config_get_string_buf(recorded.get(), config.get(), kUrlConfigKey) == 0) {
    if (recorded.view() != url) {
      return make_error(ErrorCode::kConflict, "this mirror was made from " +
                                                  std::string(recorded.view()) + ", not " + url +
                                                  "; give the new upstream its own policy name");
    }
    return {};
  }
  git_error_clear();
  return git_check(git_config_set_string(config.get(), kUrlConfigKey, url.c_str()),
                   "record the upstream URL");
}

Result<FetchedUpstream> fetch_upstream(git_repository* repo, const GitTarget& target,
                                       const FetchCallbacks& callbacks) {
  git_remote* raw = nullptr;
  MIRRORD_TRY(git_check(git_remote_create_anonymous(&raw, repo, target.url.c_str()),
                        "use upstream " + target.url, ErrorCode::kInvalidInput));
  RemoteHandle remote(raw);
  git_fetch_options options = GIT_FETCH_OPTIONS_INIT;
  options.callbacks = make_callbacks(callbacks);
  options.prune = GIT_FETCH_NO_PRUNE;
  options.update_fetchhead = 0;
  options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
  MIRRORD_TRY(
      gone_or(git_check(git_remote_connect(remote.get(), GIT_DIRECTION_FETCH, &options.callbacks,
                                           &options.proxy_opts, nullptr),
                        "connect to " + target.url, ErrorCode::kUpstreamRetryable)));
  FetchedUpstream fetched;
  fetched.refs = select_refs(remote.get(), target);
  fetched.default_branch = default_branch_of(remote.get());
  if (fetched.refs.empty()) {
    git_remote_disconnect(remote.get());
    return make_error(ErrorCode::kNotFound,
                      target.url + " advertises no ref that the policy's refs patterns select");
  }
  Status downloaded = download(remote.get(), fetched.refs, options);
  git_remote_disconnect(remote.get());
  MIRRORD_TRY(downloaded);
  MIRRORD_TRY(record_staging_refs(repo, fetched.refs));
  return fetched;
}

}  // namespace mirrord::git
