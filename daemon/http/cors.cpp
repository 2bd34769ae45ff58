#include "daemon/http/cors.hpp"

namespace mirrord::http {

void add_cors_headers(Response& response) {
  response.headers.set("Access-Control-Allow-Origin", "*");
  // Without these a browser hides Content-Range and ETag from transformers.js and
  // @huggingface/hub, and their downloads fail (hf.md §9).
  response.headers.set("Access-Control-Expose-Headers",
                       "ETag, X-Repo-Commit, X-Linked-Etag, X-Linked-Size, X-Error-Code, "
                       "X-Error-Message, X-Request-Id, X-Total-Count, Link, Accept-Ranges, "
                       "Content-Range, Content-Length");
}

Response cors_preflight() {
  Response response;
  response.status = 204;
  add_cors_headers(response);
  response.headers.set("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS");
  response.headers.set("Access-Control-Allow-Headers",
                       "Authorization, Range, Content-Type, Accept");
  response.headers.set("Access-Control-Max-Age", "86400");
  return response;
}

}  // namespace mirrord::http
