// The public listener's handler: routes chained in order (the observability routes and the web
// page first, then the ecosystems), CORS on every answer, a JSON 404 for anything no route
// claims. The admin API is never reachable from here.
#pragma once

#include <vector>

#include "daemon/http/message.hpp"

namespace mirrord {

http::Handler make_public_handler(std::vector<http::Route> routes);

}  // namespace mirrord
