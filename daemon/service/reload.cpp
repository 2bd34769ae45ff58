#include "daemon/service/reload.hpp"

namespace mirrord::service {
namespace {

// Appends `name` when the two values differ.
template <class T>
void compare(std::vector<std::string>& changed, const char* name, const T& running, const T& next) {
  if (!(running == next)) {
    changed.emplace_back(name);
  }
}

}  // namespace

Result<PolicyBook> load_policies(const Config& config) {
  return PolicyBook::load(config.policies_dir_path(),
                          config.include_catalog ? config.catalog_dir : std::filesystem::path());
}

// Every Config member outside [policies] is listed here: a key added to Config joins this list
// unless a reload can apply it.
std::vector<std::string> settings_needing_restart(const Config& running, const Config& next) {
  std::vector<std::string> changed;
  compare(changed, "[server] listen", running.listen, next.listen);
  compare(changed, "[server] public_url", running.public_url, next.public_url);
  compare(changed, "[server] admin_socket", running.admin_socket_path(), next.admin_socket_path());
  compare(changed, "[server] threads", running.threads, next.threads);
  compare(changed, "[storage] root", running.storage_root, next.storage_root);
  compare(changed, "[upstream.hf] endpoints", running.hf_endpoints, next.hf_endpoints);
  compare(changed, "[upstream.hf] token_file", running.hf_token_file, next.hf_token_file);
  compare(changed, "[upstream.hf] ca_bundle", running.ca_bundle, next.ca_bundle);
  compare(changed, "[upstream] offline", running.upstream_offline, next.upstream_offline);
  compare(changed, "[upstream.pypi] index", running.pypi_index, next.pypi_index);
  compare(changed, "[upstream.pypi] index (more)", running.pypi_extra_indexes,
          next.pypi_extra_indexes);
  compare(changed, "[upstream.modelscope] endpoints", running.modelscope_endpoints,
          next.modelscope_endpoints);
  compare(changed, "[pull] parallel_files", running.parallel_files, next.parallel_files);
  compare(changed, "[pull] parallel_pulls", running.parallel_pulls, next.parallel_pulls);
  compare(changed, "[peers]", running.peers, next.peers);
  return changed;
}

std::vector<std::string> describe(const ReloadReport& report) {
  std::vector<std::string> lines;
  if (!report.applied) {
    lines.push_back("reload refused, the running configuration and policies stay: " + report.error);
    return lines;
  }
  lines.push_back("reloaded: " + std::to_string(report.policies) + " policies");
  for (const std::string& setting : report.needs_restart) {
    lines.push_back("reload: " + setting +
                    " changed; it takes effect after a restart (the running value stays)");
  }
  return lines;
}

Reloader::Reloader(std::filesystem::path config_file, Config running,
                   std::shared_ptr<LivePolicies> policies)
    : config_file_(std::move(config_file)),
      running_(std::move(running)),
      policies_(std::move(policies)) {}

ReloadReport Reloader::reload() {
  ReloadReport report;
  auto next = config_file_.empty() ? Result<Config>(running_) : load_config(config_file_);
  if (!next) {
    report.error = next.error().message;
    return report;
  }
  auto book = load_policies(*next);
  if (!book) {
    report.error = book.error().message;
    return report;
  }
  report.policies = book->all().size();
  report.needs_restart = settings_needing_restart(running_, *next);
  policies_->replace(std::move(*book));
  report.applied = true;
  return report;
}

}  // namespace mirrord::service
