#include "daemon/config.hpp"

#include <toml++/toml.h>
#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

#include "policies/identifiers.hpp"
#include "policies/inspect/admission_policy.hpp"
#include "policies/schedule.hpp"

namespace mirrord {
namespace {

std::string where(const toml::node& node, const std::string& source) {
  std::ostringstream out;
  out << source << ":" << node.source().begin.line;
  return out.str();
}

Error config_error(const std::string& at, const std::string& message) {
  return make_error(ErrorCode::kInvalidInput, at + ": " + message);
}

// Refuses keys a table does not know: a typo must not silently mean the default.
Status check_keys(const toml::table& table, const std::set<std::string>& known,
                  const std::string& table_name, const std::string& source) {
  for (const auto& [key, node] : table) {
    if (!known.contains(std::string(key.str()))) {
      return config_error(where(node, source),
                          "unknown key '" + std::string(key.str()) + "' in [" + table_name + "]");
    }
  }
  return {};
}

template <class T>
Status read_value(const toml::table& table, const char* key, T& out, const std::string& source) {
  const toml::node* node = table.get(key);
  if (node == nullptr) {
    return {};
  }
  auto value = node->value<T>();
  if (!value) {
    return config_error(where(*node, source), std::string("wrong type for '") + key + "'");
  }
  out = *value;
  return {};
}

Status read_path(const toml::table& table, const char* key, std::filesystem::path& out,
                 const std::string& source) {
  std::string text = out.string();
  MIRRORD_TRY(read_value(table, key, text, source));
  out = text;
  return {};
}

Status read_string_list(const toml::table& table, const char* key, std::vector<std::string>& out,
                        const std::string& source) {
  const toml::node* node = table.get(key);
  if (node == nullptr) {
    return {};
  }
  const toml::array* array = node->as_array();
  if (array == nullptr) {
    return config_error(where(*node, source), std::string("'") + key + "' must be a list");
  }
  out.clear();
  for (const auto& item : *array) {
    auto value = item.value<std::string>();
    if (!value) {
      return config_error(where(item, source), std::string("'") + key + "' holds a non-string");
    }
    out.push_back(*value);
  }
  return {};
}

const toml::table* sub_table(const toml::table& root, const char* name) {
  const toml::node* node = root.get(name);
  return node == nullptr ? nullptr : node->as_table();
}

Status read_server(const toml::table& t, Config& c, const std::string& src) {
  MIRRORD_TRY(check_keys(t, {"listen", "public_url", "admin_socket", "threads", "metrics_listen"},
                         "server", src));
  MIRRORD_TRY(read_value(t, "listen", c.listen, src));
  MIRRORD_TRY(read_value(t, "public_url", c.public_url, src));
  MIRRORD_TRY(read_path(t, "admin_socket", c.admin_socket, src));
  int64_t threads = c.threads;
  MIRRORD_TRY(read_value(t, "threads", threads, src));
  if (threads < 1 || threads > 256) {
    return config_error(src, "[server] threads must be 1..256");
  }
  c.threads = static_cast<int>(threads);
  if (auto listen = split_host_port(c.listen); !listen) {
    return config_error(src, "[server] " + listen.error().message);
  }
  MIRRORD_TRY(read_value(t, "metrics_listen", c.metrics_listen, src));
  if (!c.metrics_listen.empty()) {
    if (auto listen = split_host_port(c.metrics_listen); !listen) {
      return config_error(src, "[server] metrics_listen: " + listen.error().message);
    }
  }
  while (!c.public_url.empty() && c.public_url.back() == '/') {
    c.public_url.pop_back();
  }
  return {};
}

Status read_pull(const toml::table& t, Config& c, const std::string& src) {
  MIRRORD_TRY(check_keys(t, {"parallel_files", "parallel_pulls"}, "pull", src));
  int64_t files = c.parallel_files;
  int64_t pulls = c.parallel_pulls;
  MIRRORD_TRY(read_value(t, "parallel_files", files, src));
  MIRRORD_TRY(read_value(t, "parallel_pulls", pulls, src));
  if (files < 1 || files > 64 || pulls < 1 || pulls > 64) {
    return config_error(src, "[pull] parallel_files and parallel_pulls must be 1..64");
  }
  c.parallel_files = static_cast<int>(files);
  c.parallel_pulls = static_cast<int>(pulls);
  return {};
}

// A duration such as "90s", "5m", "1h" (policies/schedule.hpp); "0" is allowed.
Status read_duration(const toml::table& t, const char* key, std::int64_t& out,
                     const std::string& src) {
  const toml::node* node = t.get(key);
  if (node == nullptr) {
    return {};
  }
  const auto text = node->value<std::string>();
  const auto seconds = text ? parse_duration(*text) : std::nullopt;
  if (!seconds) {
    return config_error(where(*node, src), std::string("'") + key +
                                               "' must be a duration such as \"90s\", \"5m\", "
                                               "\"1h\" (or \"0\")");
  }
  out = *seconds;
  return {};
}

Status read_schedule(const toml::table& t, Config& c, const std::string& src) {
  MIRRORD_TRY(check_keys(t, {"jitter", "concurrency"}, "schedule", src));
  MIRRORD_TRY(read_duration(t, "jitter", c.schedule_jitter, src));
  int64_t concurrency = c.schedule_concurrency;
  MIRRORD_TRY(read_value(t, "concurrency", concurrency, src));
  if (concurrency < 1 || concurrency > 64) {
    return config_error(src, "[schedule] concurrency must be 1..64");
  }
  c.schedule_concurrency = static_cast<int>(concurrency);
  return {};
}

Status read_storage(const toml::table& t, Config& c, const std::string& src) {
  MIRRORD_TRY(check_keys(t, {"root", "quota"}, "storage", src));
  MIRRORD_TRY(read_path(t, "root", c.storage_root, src));
  if (const toml::node* node = t.get("quota")) {
    const auto text = node->value<std::string>();
    const auto bytes = text ? parse_byte_size(*text) : std::nullopt;
    if (!bytes || *bytes == 0) {
      return config_error(where(*node, src), "'quota' must be a size such as \"2 TiB\"");
    }
    c.store_quota = *bytes;
  }
  return {};
}

// `key` of `table`: http(s) base URLs, trailing slashes dropped.
Status read_endpoints(const toml::table& table, const char* key, const std::string& table_name,
                      std::vector<std::string>& endpoints, const std::string& src) {
  MIRRORD_TRY(read_string_list(table, key, endpoints, src));
  for (auto& endpoint : endpoints) {
    if (endpoint.rfind("https://", 0) != 0 && endpoint.rfind("http://", 0) != 0) {
      return config_error(src,
                          "[" + table_name + "] endpoint '" + endpoint + "' must be http(s)://");
    }
    while (endpoint.back() == '/') {
      endpoint.pop_back();
    }
  }
  return {};
}

// `index = "URL"` or `index = ["URL1", "URL2", ...]` (several indexes of the same projects).
Status read_pypi_indexes(const toml::table& pypi, Config& c, const std::string& src) {
  const toml::node* node = pypi.get("index");
  if (node == nullptr || !node->is_array()) {
    return read_value(pypi, "index", c.pypi_index, src);
  }
  std::vector<std::string> indexes;
  MIRRORD_TRY(read_endpoints(pypi, "index", "upstream.pypi", indexes, src));
  if (indexes.empty()) {
    return config_error(src, "[upstream.pypi] index must name at least one URL");
  }
  c.pypi_index = indexes.front();
  c.pypi_extra_indexes.assign(indexes.begin() + 1, indexes.end());
  return {};
}

Status read_upstream(const toml::table& t, Config& c, const std::string& src) {
  MIRRORD_TRY(check_keys(t, {"hf", "pypi", "modelscope", "offline"}, "upstream", src));
  MIRRORD_TRY(read_value(t, "offline", c.upstream_offline, src));
  if (const toml::table* pypi = sub_table(t, "pypi")) {
    MIRRORD_TRY(check_keys(*pypi, {"index"}, "upstream.pypi", src));
    MIRRORD_TRY(read_pypi_indexes(*pypi, c, src));
  }
  if (const toml::table* modelscope = sub_table(t, "modelscope")) {
    MIRRORD_TRY(check_keys(*modelscope, {"endpoints"}, "upstream.modelscope", src));
    MIRRORD_TRY(read_endpoints(*modelscope, "endpoints", "upstream.modelscope",
                               c.modelscope_endpoints, src));
  }
  const toml::table* hf = sub_table(t, "hf");
  if (hf == nullptr) {
    return {};
  }
  MIRRORD_TRY(check_keys(*hf, {"endpoints", "token_file", "ca_bundle"}, "upstream.hf", src));
  MIRRORD_TRY(read_endpoints(*hf, "endpoints", "upstream.hf", c.hf_endpoints, src));
  MIRRORD_TRY(read_path(*hf, "token_file", c.hf_token_file, src));
  MIRRORD_TRY(read_path(*hf, "ca_bundle", c.ca_bundle, src));
  if (c.hf_endpoints.empty()) {
    return config_error(src, "[upstream.hf] endpoints must name at least one URL");
  }
  return {};
}

// [peers.NAME] url = "http://...", key = "FILE.pem" (relative to the config file's folder).
Status read_peer(const std::string& name, const toml::node& node, Config& c,
                 const std::string& src) {
  const std::string table_name = "peers." + name;
  const toml::table* t = node.as_table();
  if (t == nullptr || !is_peer_name(name)) {
    return config_error(where(node, src), "[" + table_name +
                                              "] must be a table named by letters, digits, '.', "
                                              "'_' or '-'");
  }
  MIRRORD_TRY(check_keys(*t, {"url", "key"}, table_name, src));
  PeerConfig peer{name, "", "", ""};
  MIRRORD_TRY(read_value(*t, "url", peer.url, src));
  MIRRORD_TRY(read_path(*t, "key", peer.key, src));
  if (peer.url.rfind("http://", 0) != 0 && peer.url.rfind("https://", 0) != 0) {
    return config_error(where(node, src), "[" + table_name + "] url must be http(s)://");
  }
  if (peer.key.empty()) {
    return config_error(where(node, src),
                        "[" + table_name + "] key must name the peer's manifest public key");
  }
  while (peer.url.back() == '/') {
    peer.url.pop_back();
  }
  if (peer.key.is_relative()) {
    peer.key = std::filesystem::path(src).parent_path() / peer.key;
  }
  c.peers.push_back(std::move(peer));
  return {};
}

Status read_peers(const toml::table& t, Config& c, const std::string& src) {
  for (const auto& [key, node] : t) {
    MIRRORD_TRY(read_peer(std::string(key.str()), node, c, src));
  }
  return {};
}

// The pinned keys are read once, at start: a missing or unreadable one stops the daemon there.
Status read_peer_keys(Config& c, const std::string& src) {
  for (PeerConfig& peer : c.peers) {
    std::ifstream in(peer.key);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in || text.str().find("-----BEGIN PUBLIC KEY-----") == std::string::npos) {
      return config_error(src, "[peers." + peer.name + "] key " + peer.key.string() +
                                   " is not a readable PEM public key (print it on the peer with "
                                   "`mirrorctl keys manifest`)");
    }
    peer.public_pem = text.str();
  }
  return {};
}

Status read_import(const toml::table& table, Config& c, const std::string& src) {
  MIRRORD_TRY(check_keys(table, {"trusted_keys"}, "import", src));
  std::vector<std::string> files;
  MIRRORD_TRY(read_string_list(table, "trusted_keys", files, src));
  c.import_trusted_keys.assign(files.begin(), files.end());
  return {};
}

Status apply_table(const toml::table& root, Config& c, const std::string& src) {
  MIRRORD_TRY(check_keys(
      root,
      {"server", "storage", "policies", "upstream", "pull", "schedule", "gc", "peers", "import"},
      "", src));
  if (const auto* t = sub_table(root, "peers")) {
    MIRRORD_TRY(read_peers(*t, c, src));
  }
  if (const auto* t = sub_table(root, "server")) {
    MIRRORD_TRY(read_server(*t, c, src));
  }
  if (const auto* t = sub_table(root, "storage")) {
    MIRRORD_TRY(read_storage(*t, c, src));
  }
  if (const auto* t = sub_table(root, "policies")) {
    MIRRORD_TRY(check_keys(*t, {"dir", "include_catalog", "catalog_dir"}, "policies", src));
    MIRRORD_TRY(read_path(*t, "dir", c.policies_dir, src));
    MIRRORD_TRY(read_value(*t, "include_catalog", c.include_catalog, src));
    MIRRORD_TRY(read_path(*t, "catalog_dir", c.catalog_dir, src));
  }
  if (const auto* t = sub_table(root, "upstream")) {
    MIRRORD_TRY(read_upstream(*t, c, src));
  }
  if (const auto* t = sub_table(root, "pull")) {
    MIRRORD_TRY(read_pull(*t, c, src));
  }
  if (const auto* t = sub_table(root, "schedule")) {
    MIRRORD_TRY(read_schedule(*t, c, src));
  }
  if (const auto* t = sub_table(root, "gc")) {
    MIRRORD_TRY(check_keys(*t, {"grace_period"}, "gc", src));
    MIRRORD_TRY(read_duration(*t, "grace_period", c.gc_grace_period, src));
  }
  if (const auto* t = sub_table(root, "import")) {
    MIRRORD_TRY(read_import(*t, c, src));
  }
  return {};
}

}  // namespace

std::filesystem::path Config::admin_socket_path() const {
  return admin_socket.empty() ? storage_root / "admin.sock" : admin_socket;
}

const PeerConfig* Config::find_peer(std::string_view name) const {
  for (const PeerConfig& peer : peers) {
    if (peer.name == name) {
      return &peer;
    }
  }
  return nullptr;
}

std::filesystem::path Config::policies_dir_path() const {
  return policies_dir.empty() ? storage_root / "policies.d" : policies_dir;
}

Config default_config() {
  Config config;
#ifdef MIRRORD_CATALOG_DIR
  config.catalog_dir = MIRRORD_CATALOG_DIR;
#endif
  return config;
}

Result<Config> parse_config(std::string_view text, const std::string& source_name) {
  Config config = default_config();
  toml::table parsed;
  try {
    parsed = toml::parse(text, source_name);
  } catch (const toml::parse_error& err) {
    return config_error(source_name + ":" + std::to_string(err.source().begin.line),
                        std::string(err.description()));
  }
  MIRRORD_TRY(apply_table(parsed, config, source_name));
  return config;
}

Result<Config> load_config(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) {
    return make_error(ErrorCode::kNotFound, "cannot read config file " + file.string());
  }
  std::ostringstream text;
  text << in.rdbuf();
  MIRRORD_TRY_ASSIGN(Config config, parse_config(text.str(), file.string()));
  MIRRORD_TRY(read_peer_keys(config, file.string()));
  return config;
}

Result<std::pair<std::string, std::uint16_t>> split_host_port(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return make_error(ErrorCode::kInvalidInput, "listen address must be host:port: " + listen);
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned port = 0;
  const char* first = listen.data() + colon + 1;
  const char* last = listen.data() + listen.size();
  auto [ptr, ec] = std::from_chars(first, last, port);
  if (ec != std::errc() || ptr != last || first == last || port > 65535) {
    return make_error(ErrorCode::kInvalidInput, "bad port in listen address: " + listen);
  }
  return std::make_pair(host, static_cast<std::uint16_t>(port));
}

}  // namespace mirrord
