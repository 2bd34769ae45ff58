// The policy endpoint of the admin API (docs/admin-api.md, "Policy"):
//   GET /v1/policy?target=T   the policy T resolves to (a name, an alias or an ad-hoc target),
//                             described by policies/policy_description.hpp, with the path under
//                             the public URL where the mirror serves what it mirrors.
// `mirrorctl env` builds client settings from it.
#pragma once

#include <memory>
#include <optional>

#include "daemon/http/message.hpp"
#include "daemon/policy_book.hpp"

namespace mirrord {

// nullopt for requests that are not the policy endpoint.
std::optional<http::Response> handle_policy_request(const std::shared_ptr<const PolicyBook>& book,
                                                    const http::Request& request);

// Where the public listener serves what `policy` mirrors (daemon/<ecosystem>/*routes*): "/ORG/NAME"
// or "/datasets/ORG/NAME" (Hugging Face; HF_ENDPOINT is the root, git clones the path),
// "/pypi/ROOT/simple/", "/apt/NAME", "/git/NAME".
std::string served_path(const Policy& policy);

}  // namespace mirrord
