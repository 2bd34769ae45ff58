#include "daemon/app.hpp"

#include <systemd/sd-daemon.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "daemon/admin/admin_api.hpp"
#include "daemon/fetch/fetcher.hpp"
#include "daemon/hf/hf_pull.hpp"
#include "daemon/hf/hf_routes.hpp"
#include "daemon/hf/hf_source.hpp"
#include "daemon/http/server.hpp"
#include "daemon/jobs/job_manager.hpp"
#include "daemon/policy_book.hpp"
#include "daemon/public_handler.hpp"
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
  std::shared_ptr<HfSource> hf_source;
  std::shared_ptr<JobManager> jobs;
};

Result<Services> open_services(const Config& config) {
  Services services;
  std::error_code ec;
  std::filesystem::create_directories(config.storage_root, ec);
  if (ec) {
    return make_error(ErrorCode::kIo, "cannot create storage root " +
                                          config.storage_root.string() + ": " + ec.message());
  }
  MIRRORD_TRY_ASSIGN(services.store,
                     make_local_blob_store(config.storage_root, make_posix_file_system()));
  MIRRORD_TRY(services.store->clean_stale_parts(kStalePartAge));
  MIRRORD_TRY_ASSIGN(std::unique_ptr<Catalog> catalog,
                     Catalog::open(config.storage_root / "catalog.db"));
  services.catalog = std::move(catalog);
  MIRRORD_TRY(services.catalog->mark_unfinished_jobs_interrupted());
  MIRRORD_TRY_ASSIGN(PolicyBook book, load_policies(config));
  services.policies = std::make_shared<const PolicyBook>(std::move(book));
  FetcherOptions fetch_options;
  fetch_options.ca_bundle = config.ca_bundle.string();
  MIRRORD_TRY_ASSIGN(fetch_options.bearer_token, read_token(config.hf_token_file));
  fetch_options.user_agent = std::string("mirrord/") + MIRRORD_VERSION;
  std::shared_ptr<Fetcher> fetcher = make_curl_fetcher(fetch_options);
  services.hf_source = std::make_shared<HfSource>(config.hf_endpoints, fetcher);
  services.jobs = std::make_shared<JobManager>(services.catalog, config.parallel_pulls);
  return services;
}

std::function<JobWork(const Policy&)> pull_work_factory(const Services& services,
                                                       int parallel_files) {
  return [services, parallel_files](const Policy& policy) -> JobWork {
    return [services, parallel_files, target = policy.hf](JobContext& context) {
      HfPullDeps deps{*services.hf_source, *services.store, *services.catalog, parallel_files};
      return run_hf_pull(target, deps, context);
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
  HfRoutesOptions hf_options;
  hf_options.public_url = config.public_url;
  // The public URL must be known before routes exist (absolute Link headers); derive it from the
  // bound port when the operator did not set one.
  std::vector<http::Route> routes;
  http::Handler deferred;
  auto bound = server->listen_tcp(host, port, [&deferred](const http::Request& request) {
    return deferred(request);
  });
  if (!bound) {
    std::fprintf(stderr, "mirrord: cannot listen on %s: %s\n", config.listen.c_str(),
                 bound.error().message.c_str());
    return 1;
  }
  const std::string listen = host + ":" + std::to_string(*bound);
  if (hf_options.public_url.empty()) {
    hf_options.public_url = "http://" + listen;
  }
  routes.push_back(make_hf_routes(services->catalog, services->store, hf_options));
  deferred = make_public_handler(std::move(routes));

  AdminDeps admin;
  admin.catalog = services->catalog;
  admin.jobs = services->jobs;
  admin.policies = services->policies;
  admin.make_pull_work = pull_work_factory(*services, config.parallel_files);
  admin.version = MIRRORD_VERSION;
  admin.listen = listen;
  admin.public_url = hf_options.public_url;
  admin.storage_root = config.storage_root.string();
  admin.started_at = now_seconds();
  const auto socket_path = config.admin_socket_path();
  if (auto status = server->listen_unix(socket_path, 0660, make_admin_handler(admin)); !status) {
    std::fprintf(stderr, "mirrord: cannot open admin socket %s: %s\n", socket_path.c_str(),
                 status.error().message.c_str());
    return 1;
  }
  std::printf("mirrord ready public=%s admin=%s\n", hf_options.public_url.c_str(),
              socket_path.c_str());
  std::fflush(stdout);
  sd_notify(0, "READY=1");
  server->run(config.threads);
  sd_notify(0, "STOPPING=1");
  services->jobs->shutdown();
  return 0;
}

}  // namespace mirrord
