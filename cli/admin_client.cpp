#include "cli/admin_client.hpp"

#include <curl/curl.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include "cli/exit_codes.hpp"

namespace mirrord::cli {
namespace {

// The host name is ignored by the daemon; it only makes the URL well-formed.
constexpr std::string_view kBaseUrl = "http://mirrord";
constexpr long kConnectTimeoutMs = 5'000;
constexpr long kRequestTimeoutMs = 30'000;
// Far above any real answer (a catalogue of thousands of repos is a few MiB).
constexpr std::size_t kMaxAnswerBytes = 64u << 20;

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

size_t append_body(char* data, size_t size, size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  const size_t bytes = size * count;
  if (body->size() + bytes > kMaxAnswerBytes) {
    return 0;  // makes curl fail with CURLE_WRITE_ERROR
  }
  body->append(data, bytes);
  return bytes;
}

// Why no answer came back. For a failed connect, the OS error says it best ("No such file or
// directory", "Connection refused", "Permission denied"); otherwise curl's own text.
std::string transport_failure(CURL* curl, CURLcode code, const char* curl_message) {
  long os_errno = 0;
  curl_easy_getinfo(curl, CURLINFO_OS_ERRNO, &os_errno);
  if (code == CURLE_COULDNT_CONNECT && os_errno != 0) {
    std::string why = std::strerror(static_cast<int>(os_errno));
    if (os_errno == EACCES) {
      why += " (the socket is group-only: is this user in mirrord's group?)";
    }
    return why;
  }
  if (code == CURLE_OPERATION_TIMEDOUT) {
    return "no answer within " + std::to_string(kRequestTimeoutMs / 1000) + " s";
  }
  if (code == CURLE_GOT_NOTHING) {
    return "it closed the connection without answering";
  }
  return *curl_message != '\0' ? curl_message : curl_easy_strerror(code);
}

}  // namespace

struct AdminClient::CurlHandle {
  CURL* curl = curl_easy_init();
  ~CurlHandle() { curl_easy_cleanup(curl); }
};

AdminClient::AdminClient(std::string socket_path)
    : socket_path_(std::move(socket_path)), curl_(std::make_unique<CurlHandle>()) {}

AdminClient::~AdminClient() = default;

AdminResponse AdminClient::get(std::string_view path) {
  return perform(path, nullptr);
}

AdminResponse AdminClient::post(std::string_view path, const nlohmann::json& body) {
  const std::string text = body.dump();
  return perform(path, &text);
}

AdminResponse AdminClient::perform(std::string_view path, const std::string* post_body) {
  AdminResponse response;
  CURL* curl = curl_->curl;
  if (curl == nullptr) {
    response.failure = "libcurl could not create a handle";
    return response;
  }
  curl_easy_reset(curl);  // keeps the connection cache, drops the previous request's options
  const std::string url = std::string(kBaseUrl) + std::string(path);
  char error_text[CURL_ERROR_SIZE] = "";
  Slist headers(curl_slist_append(nullptr, "Accept: application/json"));
  if (post_body != nullptr) {
    headers.reset(curl_slist_append(headers.release(), "Content-Type: application/json"));
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, post_body->c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(post_body->size()));
  }
  curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, socket_path_.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // Ctrl-C is handled by the pull loop
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, kConnectTimeoutMs);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, kRequestTimeoutMs);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_text);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.raw_body);
  const CURLcode code = curl_easy_perform(curl);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);  // error_text goes out of scope
  if (code != CURLE_OK) {
    response.failure = transport_failure(curl, code, error_text);
    return response;
  }
  response.reached = true;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  response.body = nlohmann::json::parse(response.raw_body, nullptr, /*allow_exceptions=*/false);
  if (response.body.is_discarded()) {
    response.body = nullptr;
  }
  return response;
}

std::string query_escape(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string unreachable_message(const std::string& socket_path, const std::string& why) {
  return "cannot reach mirrord at " + socket_path + ": " + why + "; is it running? (see README)";
}

std::optional<int> report_unless_ok(const AdminResponse& response, const std::string& socket_path,
                                    std::ostream& err) {
  if (!response.reached) {
    err << unreachable_message(socket_path, response.failure) << '\n';
    return kExitUnreachable;
  }
  if (!response.ok()) {
    err << "error: " << describe_failure(response) << '\n';
    return kExitFailed;
  }
  return std::nullopt;
}

std::string describe_failure(const AdminResponse& response) {
  if (!response.reached) {
    return response.failure;
  }
  if (response.body.is_object() && response.body.contains("error") &&
      response.body["error"].is_string()) {
    return response.body["error"].get<std::string>();
  }
  constexpr std::size_t kExcerpt = 200;
  std::string excerpt = response.raw_body.substr(0, kExcerpt);
  if (!response.body.is_object() && response.status >= 200 && response.status < 300) {
    return "mirrord answered HTTP " + std::to_string(response.status) +
           " with something other than a JSON object: '" + excerpt + "'";
  }
  return "mirrord answered HTTP " + std::to_string(response.status) +
         (excerpt.empty() ? "" : ": " + excerpt);
}

}  // namespace mirrord::cli
