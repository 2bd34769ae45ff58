// Ecosystem: what each ecosystem (hf, pypi, apt, git) plugs into the daemon — the work of a pull
// for a policy of its source, and the public routes that serve what it mirrored.
//
// daemon/ecosystems.cpp lists them; adding an ecosystem adds one entry there.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "daemon/config.hpp"
#include "daemon/fetch/fetcher.hpp"
#include "daemon/http/message.hpp"
#include "daemon/jobs/job_manager.hpp"
#include "daemon/upstreams/upstream_health.hpp"
#include "policies/policy.hpp"
#include "storage/blob_store.hpp"
#include "storage/catalog.hpp"

namespace mirrord {

// Shared services handed to every ecosystem. Lives as long as the daemon.
struct EcosystemContext {
  Config config;
  std::shared_ptr<Catalog> catalog;
  std::shared_ptr<BlobStore> store;
  // Both use the [upstream] TLS settings. Only the hub's carries the [upstream.hf] token, so no
  // other host (apt, PyPI, git, LFS servers) ever receives it.
  std::shared_ptr<Fetcher> fetcher;
  std::shared_ptr<Fetcher> hf_fetcher;
  std::string public_url;  // base URL clients see, without a trailing '/'
  // What both fetchers have seen of each upstream; orders the sources of a pull.
  std::shared_ptr<UpstreamHealth> upstream_health = std::make_shared<UpstreamHealth>();
};

struct Ecosystem {
  std::string source;  // the policy `source` it serves
  // Builds the work of one pull of `policy`.
  std::function<JobWork(const Policy& policy)> make_pull_work;
  // The public routes; nullopt for requests that are not this ecosystem's.
  http::Route routes;
};

// Every ecosystem, in routing order (fixed path prefixes before Hugging Face's catch-all forms).
std::vector<Ecosystem> make_ecosystems(std::shared_ptr<const EcosystemContext> context);

}  // namespace mirrord
