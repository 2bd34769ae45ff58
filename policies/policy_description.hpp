// A Policy as a JSON object, for the admin API (GET /v1/policy) and `mirrorctl policy check
// --json`, so that both describe an entry with the same keys (docs/admin-api.md, "Policy").
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "policies/policy.hpp"

namespace mirrord {

// {"name", "aliases", "source", "file", "line", "key", "upstream", "<source>": {...}}: the
// source's own object holds the keys a client needs (hf: repo, repo_type, revision; pypi: index,
// projects, root; apt: url, suites, components, architectures, keyring, mode; git: url, refs,
// lfs, mirror_name).
nlohmann::json describe_policy(const Policy& policy);

// What the entry mirrors, in one line: "Qwen/X@main", "https://pypi.org/simple/: torch, numpy",
// "http://deb.debian.org/debian bookworm bookworm-updates", "https://host/repo.git".
std::string upstream_summary(const Policy& policy);

}  // namespace mirrord
