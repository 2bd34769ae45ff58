// CORS for browser clients (transformers.js, @huggingface/hub in a page): hf.md §9.
#pragma once

#include "daemon/http/message.hpp"

namespace mirrord::http {

// Adds Access-Control-Allow-Origin: * and the exposed-header list to any response.
void add_cors_headers(Response& response);
// The 204 answer to an OPTIONS preflight.
Response cors_preflight();

}  // namespace mirrord::http
