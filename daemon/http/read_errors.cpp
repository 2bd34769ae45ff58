#include "daemon/http/read_errors.hpp"

#include <boost/beast/http/error.hpp>
#include <string>

namespace mirrord::http {

namespace bhttp = boost::beast::http;
using error_code = boost::system::error_code;

Response error_response(int status, std::string_view message) {
  Response response = json_response(status, "{\"error\":\"" + std::string(message) + "\"}");
  response.headers.set("X-Error-Message", std::string(message));
  return response;
}

std::optional<int> status_for_read_error(const error_code& ec) {
  if (ec.category() != bhttp::make_error_code(bhttp::error::bad_method).category()) {
    return std::nullopt;
  }
  switch (static_cast<bhttp::error>(ec.value())) {
    case bhttp::error::end_of_stream:
    case bhttp::error::partial_message:
    case bhttp::error::short_read:
      return std::nullopt;
    case bhttp::error::header_limit:
    case bhttp::error::buffer_overflow:
      return 431;
    case bhttp::error::body_limit:
      return 413;
    default:
      return 400;
  }
}

std::string_view message_for(int status) {
  switch (status) {
    case 413:
      return "request body too large";
    case 414:
      return "request-target too long";
    case 431:
      return "request header fields too large";
    case 500:
      return "internal server error";
    default:
      return "bad request";
  }
}

}  // namespace mirrord::http
