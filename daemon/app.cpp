#include "daemon/app.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "daemon/admin/admin_api.hpp"
#include "daemon/catalog_generation.hpp"
#include "daemon/ecosystem.hpp"
#include "daemon/fetch/fetcher.hpp"
#include "daemon/fetch/offline_fetcher.hpp"
#include "daemon/http/server.hpp"
#include "daemon/jobs/job_manager.hpp"
#include "daemon/maintenance.hpp"
#include "daemon/metrics/metered_services.hpp"
#include "daemon/metrics/observability_routes.hpp"
#include "daemon/offline_pulls.hpp"
#include "daemon/peers/peer_pull.hpp"
#include "daemon/peers/peer_routes.hpp"
#include "daemon/policy_book.hpp"
#include "daemon/public_handler.hpp"
#include "daemon/scheduled_syncs.hpp"
#include "daemon/service/hangup_watcher.hpp"
#include "daemon/service/reload.hpp"
#include "daemon/service/service_notify.hpp"
#include "daemon/trust/mirror_keys.hpp"
#include "daemon/web/catalog_page.hpp"
#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"

namespace mirrord {
namespace {

// A .part untouched this long belongs to no pull that will resume it.
constexpr std::chrono::hours kStalePartAge{24 * 7};

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<std::string> read_token(const std::filesystem::path& file) {
  if (file.empty()) {
    return std::string();
  }
  std::ifstream in(file);
  if (!in) {
    return make_error(ErrorCode::kNotFound, "cannot read token_file " + file.string());
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string token = text.str();
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) {
    token.pop_back();
  }
  return token;
}

// Everything the daemon holds while it runs.
struct Services {
  std::shared_ptr<BlobStore> store;
  std::shared_ptr<Catalog> catalog;
  std::shared_ptr<LivePolicies> policies;
  std::shared_ptr<Fetcher> fetcher;     // no credentials: apt, PyPI, git and LFS hosts
  std::shared_ptr<Fetcher> hf_fetcher;  // carries the [upstream.hf] token, for the hub only
  std::shared_ptr<JobManager> jobs;
  std::shared_ptr<metrics::Metrics> metrics;
  std::shared_ptr<UpstreamHealth> upstream_health;  // reported to by both fetchers
};

Result<Services> open_services(const Config& config) {
  Services services;
  services.metrics = std::make_shared<metrics::Metrics>();
  std::error_code ec;
  std::filesystem::create_directories(config.storage_root, ec);
  if (ec) {
    return make_error(ErrorCode::kIo, "cannot create storage root " + config.storage_root.string() +
                                          ": " + ec.message());
  }
  MIRRORD_TRY_ASSIGN(services.store,
                     make_local_blob_store(config.storage_root, make_posix_file_system()));
  MIRRORD_TRY(services.store->clean_stale_parts(kStalePartAge));
  services.store = metrics::make_metered_blob_store(services.store, services.metrics);
  MIRRORD_TRY_ASSIGN(std::unique_ptr<Catalog> catalog,
                     Catalog::open(config.storage_root / "catalog.db"));
  // Every writer goes through this wrapper, so that caches of catalog answers (the serving
  // routes keep some) learn of each publish.
  services.catalog = std::make_shared<GenerationCatalog>(std::move(catalog),
                                                         std::make_shared<CatalogGeneration>());
  MIRRORD_TRY(services.catalog->mark_unfinished_jobs_interrupted());
  MIRRORD_TRY_ASSIGN(PolicyBook book, service::load_policies(config));
  services.policies = std::make_shared<LivePolicies>(std::move(book));
  FetcherOptions fetch_options;
  fetch_options.ca_bundle = config.ca_bundle.string();
  fetch_options.user_agent = std::string("mirrord/") + MIRRORD_VERSION;
  services.upstream_health = std::make_shared<UpstreamHealth>();
  auto observed = [&services](std::unique_ptr<Fetcher> curl) {
    return make_health_fetcher(metrics::make_metered_fetcher(std::move(curl), services.metrics),
                               services.upstream_health);
  };
  services.fetcher = observed(make_curl_fetcher(fetch_options));
  MIRRORD_TRY_ASSIGN(fetch_options.bearer_token, read_token(config.hf_token_file));
  services.hf_fetcher = fetch_options.bearer_token.empty()
                            ? services.fetcher
                            : observed(make_curl_fetcher(fetch_options));
  if (config.offline()) {
    services.fetcher = metrics::make_metered_fetcher(make_offline_fetcher(), services.metrics);
    services.hf_fetcher = services.fetcher;
  }
  services.jobs = std::make_shared<JobManager>(services.catalog, config.parallel_pulls);
  return services;
}

// Dispatches a pull to the ecosystem of the policy's source.
std::function<JobWork(const Policy&)> pull_work_factory(std::vector<Ecosystem> ecosystems,
                                                        std::shared_ptr<metrics::Metrics> metrics) {
  return [ecosystems = std::move(ecosystems), metrics](const Policy& policy) -> JobWork {
    for (const Ecosystem& ecosystem : ecosystems) {
      if (ecosystem.source == policy.source) {
        return metrics::metered_pull(ecosystem.make_pull_work(policy), policy.name, metrics);
      }
    }
    return [source = policy.source](JobContext&) {
      return Status(make_error(ErrorCode::kInvalidInput, "no ecosystem serves source " + source));
    };
  };
}

// /metrics, /healthz, /readyz; also served alone on [server] metrics_listen when set.
http::Route observability_routes(const Config& config, const Services& services) {
  auto names = [policies = services.policies](const JobRecord& job) -> std::optional<std::string> {
    auto policy = policies->resolve(job.target);
    return policy ? std::optional(policy->name) : std::nullopt;
  };
  if (auto seeded = metrics::seed_last_syncs(*services.metrics, *services.catalog, names);
      !seeded) {
    std::fprintf(stderr, "<4>mirrord: last syncs not read: %s\n", seeded.error().message.c_str());
  }
  return metrics::make_observability_routes(
      {services.metrics, services.catalog, services.jobs,
       std::make_shared<metrics::ReadinessCheck>(services.catalog, config.storage_root / "tmp",
                                                 services.policies != nullptr),
       services.upstream_health});
}

Status listen_for_metrics(http::Server& server, const Config& config, http::Route routes) {
  if (config.metrics_listen.empty()) {
    return {};
  }
  auto [host, port] = *split_host_port(config.metrics_listen);
  MIRRORD_TRY(server.listen_tcp(host, port, make_public_handler({std::move(routes)})));
  return {};
}

void log_line(const std::string& line) {
  std::fprintf(stderr, "<6>mirrord: %s\n", line.c_str());
}

// SIGHUP: RELOADING=1, then READY=1 whatever the outcome (a refused reload keeps serving).
void reload_and_log(service::Reloader& reloader) {
  service::notify_reloading();
  const service::ReloadReport report = reloader.reload();
  for (const std::string& line : service::describe(report)) {
    log_line(line);
  }
  service::notify_ready(report.applied ? "reloaded" : "reload refused: " + report.error);
}

// Under WatchdogSec=, pings come from the event loops themselves, so a hung loop is restarted.
void watch_event_loops(http::Server& server) {
  if (auto interval = service::watchdog_ping_interval()) {
    log_line("watchdog: pinging every " + std::to_string(interval->count() / 1000) + " ms");
    server.set_heartbeat(*interval, [] { service::notify_watchdog(); });
  }
}

// After SIGTERM, once the server has stopped (listeners closed, responses in progress finished or
// cut at drain_timeout): running pulls stop at their next chunk and keep their .part files, so
// the next pull of the same target resumes them.
void shut_down_jobs(JobManager& jobs) {
  const std::size_t running = jobs.active().size();
  service::notify_stopping("stopping; " + std::to_string(running) + " pulls to checkpoint");
  log_line("stopping: " + std::to_string(running) +
           " pulls interrupted, their partial files kept for resume");
  jobs.shutdown();
  log_line("stopped");
}

}  // namespace

int check_daemon_config(const Config& config) {
  auto book = service::load_policies(config);
  if (!book) {
    std::fprintf(stderr, "mirrord: %s\n", book.error().message.c_str());
    return 2;
  }
  if (auto token = read_token(config.hf_token_file); !token) {
    std::fprintf(stderr, "mirrord: %s\n", token.error().message.c_str());
    return 2;
  }
  std::printf("configuration OK: %zu policies\n", book->all().size());
  return 0;
}

int run_daemon(const Config& config, const std::filesystem::path& config_file) {
  auto services = open_services(config);
  if (!services) {
    std::fprintf(stderr, "<3>mirrord: %s\n", services.error().message.c_str());
    return 1;
  }
  auto server = http::Server::create();
  server->set_request_observer([metrics = services->metrics](const http::Request& request,
                                                             int status, std::uint64_t body_bytes) {
    metrics->count_request(request.path, status, body_bytes);
  });
  auto [host, port] = *split_host_port(config.listen);
  // Routes need the public URL (absolute links), which may depend on the port bound, so the
  // handler is set once the listener is open; no request is served before run().
  http::Handler handler;
  auto bound = server->listen_tcp(
      host, port, [&handler](const http::Request& request) { return handler(request); });
  if (!bound) {
    std::fprintf(stderr, "<3>mirrord: cannot listen on %s: %s\n", config.listen.c_str(),
                 bound.error().message.c_str());
    return 1;
  }
  const std::string listen = host + ":" + std::to_string(*bound);
  auto context = std::make_shared<EcosystemContext>();
  context->config = config;
  context->catalog = services->catalog;
  context->store = services->store;
  context->fetcher = services->fetcher;
  context->hf_fetcher = services->hf_fetcher;
  context->upstream_health = services->upstream_health;
  context->public_url = config.public_url.empty() ? "http://" + listen : config.public_url;
  std::vector<Ecosystem> ecosystems = make_ecosystems(context);
  http::Route observability = observability_routes(config, *services);
  if (auto status = listen_for_metrics(*server, config, observability); !status) {
    std::fprintf(stderr, "<3>mirrord: cannot listen on metrics_listen %s: %s\n",
                 config.metrics_listen.c_str(), status.error().message.c_str());
    return 1;
  }
  std::vector<http::Route> routes{
      observability, web::make_catalog_page_route(services->catalog, context->public_url)};
  // Before the ecosystems: Hugging Face's routes would answer /api/mirror/... with their 404s.
  routes.push_back(
      peers::make_peer_routes({services->catalog, services->store, manifest_key_path(config)}));
  for (const Ecosystem& ecosystem : ecosystems) {
    routes.push_back(ecosystem.routes);
  }
  handler = make_public_handler(std::move(routes));

  AdminDeps admin;
  admin.catalog = services->catalog;
  admin.jobs = services->jobs;
  admin.policies = services->policies;
  PullWorkFactory pulls =
      peers::with_peer_pulls(pull_work_factory(std::move(ecosystems), services->metrics),
                             {config.peers, services->fetcher, services->store, services->catalog,
                              config.storage_root});
  if (config.offline()) {
    pulls = refuse_pulls_offline(std::move(pulls));
    log_line("offline: no upstream is contacted; pulls fail at once");
  }
  admin.make_pull_work =
      with_operations(std::move(pulls), services->catalog, QuotaLimits{config.store_quota});
  admin.offline = config.offline();
  admin.version = MIRRORD_VERSION;
  admin.listen = listen;
  admin.public_url = context->public_url;
  admin.storage_root = config.storage_root.string();
  admin.started_at = now_seconds();
  admin.upstreams = services->upstream_health;
  for (const PeerConfig& peer : config.peers) {
    admin.peers.push_back(peer.name);
  }
  admin.import_trusted_keys = config.import_trusted_keys;
  auto scheduler = start_scheduler(config, services->catalog, services->jobs, services->policies,
                                   admin.make_pull_work);
  if (!scheduler) {
    std::fprintf(stderr, "mirrord: %s\n", scheduler.error().message.c_str());
    return 1;
  }
  admin.ops =
      AdminOpsDeps{services->catalog, services->store,      services->jobs, services->policies,
                   *scheduler,        admin.make_pull_work, system_clock(), config.gc_grace_period};
  const auto socket_path = config.admin_socket_path();
  if (auto status = server->listen_unix(socket_path, 0660, make_admin_handler(admin)); !status) {
    std::fprintf(stderr, "<3>mirrord: cannot open admin socket %s: %s\n", socket_path.c_str(),
                 status.error().message.c_str());
    return 1;
  }
  service::Reloader reloader(config_file, config, services->policies);
  service::HangupWatcher reload_on_hangup([&reloader] { reload_and_log(reloader); });
  watch_event_loops(*server);
  std::printf("mirrord ready public=%s admin=%s\n", context->public_url.c_str(),
              socket_path.c_str());
  std::fflush(stdout);
  service::notify_ready("serving " + context->public_url);
  server->run(config.threads);
  (*scheduler)->stop();
  shut_down_jobs(*services->jobs);
  return 0;
}

}  // namespace mirrord
