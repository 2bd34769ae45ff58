// Config: the daemon's settings, from a TOML file (`mirrord --config FILE`) or embedded defaults.
// Every key is documented in README.md ("Configuration"). Unknown keys are refused so that a typo
// never silently means a default.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "storage/result.hpp"

namespace mirrord {

// [peers.NAME]: another mirrord this one may pull from (README "Federation").
struct PeerConfig {
  std::string name;
  std::string url;            // base URL of the peer's public listener, without a '/'
  std::filesystem::path key;  // the peer's manifest public key (PEM), pinned
  std::string public_pem;     // its text, read by load_config()
  friend bool operator==(const PeerConfig&, const PeerConfig&) = default;
};

struct Config {
  // [server]
  std::string listen = "127.0.0.1:8080";  // host:port of the public HTTP listener (port 0: any)
  std::string public_url;                 // base URL clients see; empty: from the bound address
  std::filesystem::path admin_socket;     // empty: <storage.root>/admin.sock
  int threads = 2;                        // event-loop threads
  std::string metrics_listen;             // host:port of a /metrics-only listener; empty: none
  // [storage]
  std::filesystem::path storage_root = "mirrord-state";
  // [policies]
  std::filesystem::path policies_dir;  // empty: <storage.root>/policies.d
  bool include_catalog = true;         // also load the shipped catalog (operator entries win)
  std::filesystem::path catalog_dir;   // where the shipped catalog is (build-time default)
  // [upstream.hf]
  std::vector<std::string> hf_endpoints = {"https://huggingface.co"};
  std::filesystem::path hf_token_file;  // server-side bearer token for gated repos
  std::filesystem::path ca_bundle;      // empty: system CA store
  // [upstream] offline, or `mirrord --offline` (README "When the outside is cut off"): no upstream
  // is contacted; pulls fail at once, an apt entry in resign mode re-signs its held snapshot.
  bool upstream_offline = false;  // the config key (a reload compares it)
  bool offline_flag = false;      // the command-line flag (not in any file)
  // [upstream.modelscope]: extra byte sources for Hugging Face model files (README, "Several
  // upstreams"); the Hugging Face metadata stays the only source of truth. Empty: none.
  std::vector<std::string> modelscope_endpoints;
  // [upstream.pypi]
  std::string pypi_index = "https://pypi.org/simple/";  // index of ad-hoc pypi:NAME targets
  std::vector<std::string> pypi_extra_indexes;          // `index = [first, more...]`: the more
  // [pull]
  int parallel_files = 4;  // files fetched at once within one pull
  int parallel_pulls = 2;  // pulls running at once
  // [schedule] (README "Policies and schedules")
  std::int64_t schedule_jitter = 60;  // seconds: random delay added to each planned sync
  int schedule_concurrency = 1;       // scheduled syncs running at once
  // [gc]
  std::int64_t gc_grace_period = 3600;  // seconds: younger unreferenced blobs are kept
  // [storage] quota: bytes the whole store may hold (0: no limit)
  std::uint64_t store_quota = 0;
  // [peers.NAME], by name
  std::vector<PeerConfig> peers;
  // [import] trusted_keys: Ed25519 public keys (PEM files) whose bundles `mirrorctl import` accepts
  std::vector<std::filesystem::path> import_trusted_keys;

  bool offline() const { return upstream_offline || offline_flag; }
  std::filesystem::path admin_socket_path() const;
  const PeerConfig* find_peer(std::string_view name) const;
  std::filesystem::path policies_dir_path() const;
};

// Embedded defaults (with the build's catalog directory).
Config default_config();
// Reads a config file over the defaults. Errors name the file, line and key.
Result<Config> load_config(const std::filesystem::path& file);
Result<Config> parse_config(std::string_view text, const std::string& source_name);

// Splits "host:port"; the port must be 0..65535.
Result<std::pair<std::string, std::uint16_t>> split_host_port(const std::string& listen);

}  // namespace mirrord
