// The public listener's handler: ecosystem routes chained in order, CORS on every answer, a JSON
// 404 for anything no route claims, and the health endpoints for load balancers. The admin API
// is never reachable from here.
#pragma once

#include <vector>

#include "daemon/http/message.hpp"

namespace mirrord {

http::Handler make_public_handler(std::vector<http::Route> routes);

}  // namespace mirrord
