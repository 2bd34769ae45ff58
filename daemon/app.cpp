#include "daemon/app.hpp"

#include <systemd/sd-daemon.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "daemon/admin/admin_api.hpp"
#include "daemon/catalog_generation.hpp"
#include "daemon/ecosystem.hpp"
#include "daemon/fetch/fetcher.hpp"
#include "daemon/http/server.hpp"
#include "daemon/jobs/job_manager.hpp"
#include "daemon/maintenance.hpp"
#include "daemon/policy_book.hpp"
#include "daemon/public_handler.hpp"
#include "daemon/scheduled_syncs.hpp"
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

Result<PolicyBook> load_policies(const Config& config) {
  return PolicyBook::load(config.policies_dir_path(),
                          config.include_catalog ? config.catalog_dir : std::filesystem::path());
}

// Everything the daemon holds while it runs.
struct Services {
  std::shared_ptr<BlobStore> store;
  std::shared_ptr<Catalog> catalog;
  std::shared_ptr<const PolicyBook> policies;
  std::shared_ptr<Fetcher> fetcher;
  std::shared_ptr<JobManager> jobs;
};

Result<Services> open_services(const Config& config) {
  Services services;
  std::error_code ec;
  std::filesystem::create_directories(config.storage_root, ec);
  if (ec) {
    return make_error(ErrorCode::kIo, "cannot create storage root " + config.storage_root.string() +
                                          ": " + ec.message());
  }
  MIRRORD_TRY_ASSIGN(services.store,
                     make_local_blob_store(config.storage_root, make_posix_file_system()));
  MIRRORD_TRY(services.store->clean_stale_parts(kStalePartAge));
  MIRRORD_TRY_ASSIGN(std::unique_ptr<Catalog> catalog,
                     Catalog::open(config.storage_root / "catalog.db"));
  // Every writer goes through this wrapper, so that caches of catalog answers (the serving
  // routes keep some) learn of each publish.
  services.catalog = std::make_shared<GenerationCatalog>(std::move(catalog),
                                                         std::make_shared<CatalogGeneration>());
  MIRRORD_TRY(services.catalog->mark_unfinished_jobs_interrupted());
  MIRRORD_TRY_ASSIGN(PolicyBook book, load_policies(config));
  services.policies = std::make_shared<const PolicyBook>(std::move(book));
  FetcherOptions fetch_options;
  fetch_options.ca_bundle = config.ca_bundle.string();
  MIRRORD_TRY_ASSIGN(fetch_options.bearer_token, read_token(config.hf_token_file));
  fetch_options.user_agent = std::string("mirrord/") + MIRRORD_VERSION;
  services.fetcher = make_curl_fetcher(fetch_options);
  services.jobs = std::make_shared<JobManager>(services.catalog, config.parallel_pulls);
  return services;
}

// Dispatches a pull to the ecosystem of the policy's source.
std::function<JobWork(const Policy&)> pull_work_factory(std::vector<Ecosystem> ecosystems) {
  return [ecosystems = std::move(ecosystems)](const Policy& policy) -> JobWork {
    for (const Ecosystem& ecosystem : ecosystems) {
      if (ecosystem.source == policy.source) {
        return ecosystem.make_pull_work(policy);
      }
    }
    return [source = policy.source](JobContext&) {
      return Status(make_error(ErrorCode::kInvalidInput, "no ecosystem serves source " + source));
    };
  };
}

}  // namespace

int check_daemon_config(const Config& config) {
  auto book = load_policies(config);
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

int run_daemon(const Config& config) {
  auto services = open_services(config);
  if (!services) {
    std::fprintf(stderr, "mirrord: %s\n", services.error().message.c_str());
    return 1;
  }
  auto server = http::Server::create();
  auto [host, port] = *split_host_port(config.listen);
  // Routes need the public URL (absolute links), which may depend on the port bound, so the
  // handler is set once the listener is open; no request is served before run().
  http::Handler handler;
  auto bound = server->listen_tcp(
      host, port, [&handler](const http::Request& request) { return handler(request); });
  if (!bound) {
    std::fprintf(stderr, "mirrord: cannot listen on %s: %s\n", config.listen.c_str(),
                 bound.error().message.c_str());
    return 1;
  }
  const std::string listen = host + ":" + std::to_string(*bound);
  auto context = std::make_shared<EcosystemContext>();
  context->config = config;
  context->catalog = services->catalog;
  context->store = services->store;
  context->fetcher = services->fetcher;
  context->public_url = config.public_url.empty() ? "http://" + listen : config.public_url;
  std::vector<Ecosystem> ecosystems = make_ecosystems(context);
  std::vector<http::Route> routes;
  for (const Ecosystem& ecosystem : ecosystems) {
    routes.push_back(ecosystem.routes);
  }
  handler = make_public_handler(std::move(routes));

  AdminDeps admin;
  admin.catalog = services->catalog;
  admin.jobs = services->jobs;
  admin.policies = services->policies;
  admin.make_pull_work = with_operations(pull_work_factory(std::move(ecosystems)),
                                         services->catalog, QuotaLimits{config.store_quota});
  admin.version = MIRRORD_VERSION;
  admin.listen = listen;
  admin.public_url = context->public_url;
  admin.storage_root = config.storage_root.string();
  admin.started_at = now_seconds();
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
    std::fprintf(stderr, "mirrord: cannot open admin socket %s: %s\n", socket_path.c_str(),
                 status.error().message.c_str());
    return 1;
  }
  std::printf("mirrord ready public=%s admin=%s\n", context->public_url.c_str(),
              socket_path.c_str());
  std::fflush(stdout);
  sd_notify(0, "READY=1");
  server->run(config.threads);
  sd_notify(0, "STOPPING=1");
  (*scheduler)->stop();
  services->jobs->shutdown();
  return 0;
}

}  // namespace mirrord
