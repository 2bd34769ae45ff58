// The protection endpoints of the admin API (docs/admin-api.md, "Pins and upstream changes"):
//   GET  /v1/pins[?target=T]      operator pins, of every repo or of T's
//   POST /v1/pins                 {"target", "revision"?, "reason"?}: pin a ref or a commit
//   POST /v1/pins/remove          {"target", "revision"?}: remove a pin
//   GET  /v1/changes[?target=T]   recorded upstream changes, newest first
// and the protection part of `GET /v1/show` (pins and upstream changes of the repo).
#pragma once

#include <memory>
#include <optional>

#include "daemon/http/message.hpp"
#include "daemon/live_policies.hpp"
#include "storage/catalog.hpp"

namespace mirrord {

struct AdminProtectionDeps {
  std::shared_ptr<Catalog> catalog;
  std::shared_ptr<const LivePolicies> policies;
};

// nullopt for requests that are not protection endpoints.
std::optional<http::Response> handle_protection_request(const AdminProtectionDeps& deps,
                                                        const http::Request& request);

// Adds "pins" and "upstream_changes" of the shown repo to an answer of `GET /v1/show`. A target
// the trust part cannot show (not a Hugging Face repo) but that names a mirrored repo of another
// ecosystem is answered here, with its refs instead of a verdict.
http::Response with_protection(const AdminProtectionDeps& deps, const http::Request& request,
                               http::Response shown);

}  // namespace mirrord
