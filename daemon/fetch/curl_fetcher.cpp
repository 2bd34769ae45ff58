// CurlFetcher: the libcurl implementation of Fetcher (see fetcher.hpp for the contract).
//
// One easy handle per fetch, taken from a small pool of idle handles so that API calls in a row
// reuse connections and TLS sessions. Security-relevant choices (tests: fetch_curl_*_test.cpp;
// the https-only redirect rule needs a TLS upstream and is not among them):
//   - only http and https, on the first request and on redirects; a redirect from https never
//     downgrades to http;
//   - redirects followed, at most max_redirects hops;
//   - the bearer token goes through libcurl's auth machinery (CURLAUTH_BEARER), never as a raw
//     header, so libcurl withholds it from any redirect target whose scheme, host or port differs
//     from the first request's (CURLOPT_UNRESTRICTED_AUTH stays off);
//   - TLS peer and host verification on; the configured CA bundle when there is one;
//   - Accept-Encoding: identity and no automatic decoding: the bytes hashed are the file's bytes;
//   - bounded: connect timeout, minimum rate, total deadline, max_body_bytes;
//   - the sink only ever sees bytes that continue at range_start: a 200 answering a Range, or a
//     206 starting elsewhere, is returned with its status and headers but an unread body, so
//     the caller can start over instead of appending the wrong bytes;
//   - error bodies are read (at most 1 MiB) and dropped; their status and headers are returned;
//   - URLs in error messages are redacted (no user info, no query).
#include <curl/curl.h>

#include <array>
#include <cctype>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "daemon/fetch/curl_error.hpp"
#include "daemon/fetch/curl_handle.hpp"
#include "daemon/fetch/curl_transfer.hpp"
#include "daemon/fetch/fetcher.hpp"
#include "daemon/fetch/url.hpp"

namespace mirrord {

void ensure_curl_initialized() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw std::runtime_error("curl_global_init failed");
    }
  });
}

namespace {

constexpr std::size_t kMaxIdleHandles = 8;
constexpr long kReceiveBufferBytes = 512L << 10;

// Sets options in order and remembers the first failure, so setup reads as a flat list.
class OptionSetter {
 public:
  explicit OptionSetter(CURL* easy) : easy_(easy) {}
  template <class T>
  OptionSetter& set(CURLoption option, T value) {
    if (result_ == CURLE_OK) {
      result_ = curl_easy_setopt(easy_, option, value);
    }
    return *this;
  }
  CURLcode result() const { return result_; }

 private:
  CURL* easy_;
  CURLcode result_ = CURLE_OK;
};

bool has_line_break(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos ||
         text.find('\0') != std::string_view::npos;
}

bool is_https(std::string_view url) {
  constexpr std::string_view kScheme = "https:";
  if (url.size() < kScheme.size()) {
    return false;
  }
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(url[i])) != kScheme[i]) {
      return false;
    }
  }
  return true;
}

class CurlFetcher final : public Fetcher {
 public:
  explicit CurlFetcher(FetcherOptions options) : options_(std::move(options)) {
    ensure_curl_initialized();
  }

  Result<FetchResponse> fetch(const FetchRequest& request, const BodySink& sink,
                              const std::atomic<bool>* cancel) override;

 private:
  Result<CurlHeaderList> header_lines(const FetchRequest& request) const;
  CURLcode configure(CURL* easy, const FetchRequest& request, const CurlHeaderList& headers,
                     CurlTransfer& transfer, char* error_buffer) const;
  CurlEasy acquire_handle();
  void release_handle(CurlEasy easy);

  FetcherOptions options_;
  std::mutex pool_mutex_;
  std::vector<CurlEasy> idle_;
};

Result<CurlHeaderList> CurlFetcher::header_lines(const FetchRequest& request) const {
  CurlHeaderList list;
  bool ok = list.append("Accept-Encoding: identity");
  if (!request.post_body.empty()) {
    ok = ok && list.append("Expect:");  // no 100-continue round trip for small API bodies
  }
  for (const auto& line : request.headers) {
    if (has_line_break(line) || line.find(':') == std::string::npos) {
      return make_error(ErrorCode::kInvalidInput, "malformed request header line");
    }
    ok = ok && list.append(line);
  }
  if (!ok) {
    return make_error(ErrorCode::kInternal, "out of memory building request headers");
  }
  return list;
}

CURLcode CurlFetcher::configure(CURL* easy, const FetchRequest& request,
                                const CurlHeaderList& headers, CurlTransfer& transfer,
                                char* error_buffer) const {
  using std::chrono::milliseconds;
  OptionSetter set(easy);
  set.set(CURLOPT_URL, request.url.c_str())
      .set(CURLOPT_ERRORBUFFER, error_buffer)
      .set(CURLOPT_NOSIGNAL, 1L)
      .set(CURLOPT_PROTOCOLS_STR, "http,https")
      .set(CURLOPT_REDIR_PROTOCOLS_STR, is_https(request.url) ? "https" : "http,https")
      .set(CURLOPT_FOLLOWLOCATION, 1L)
      .set(CURLOPT_MAXREDIRS, static_cast<long>(options_.max_redirects))
      .set(CURLOPT_UNRESTRICTED_AUTH, 0L)
      .set(CURLOPT_SSL_VERIFYPEER, 1L)
      .set(CURLOPT_SSL_VERIFYHOST, 2L)
      .set(CURLOPT_HTTP_CONTENT_DECODING, 0L)
      .set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L)
      .set(CURLOPT_USERAGENT, options_.user_agent.c_str())
      .set(CURLOPT_CONNECTTIMEOUT_MS,
           static_cast<long>(milliseconds(options_.connect_timeout).count()))
      .set(CURLOPT_LOW_SPEED_LIMIT, options_.low_speed_limit)
      .set(CURLOPT_LOW_SPEED_TIME, static_cast<long>(options_.low_speed_time.count()))
      .set(CURLOPT_TIMEOUT_MS, static_cast<long>(milliseconds(options_.total_timeout).count()))
      .set(CURLOPT_HTTPHEADER, headers.get())
      .set(CURLOPT_HEADERFUNCTION, curl_header_callback)
      .set(CURLOPT_HEADERDATA, &transfer)
      // Large receive chunks: each one is hashed and written by the sink, so fewer, bigger
      // calls cut the per-write cost of ingesting multi-GiB files (bench/ingest.py).
      .set(CURLOPT_BUFFERSIZE, kReceiveBufferBytes)
      .set(CURLOPT_WRITEFUNCTION, curl_write_callback)
      .set(CURLOPT_WRITEDATA, &transfer)
      .set(CURLOPT_XFERINFOFUNCTION, curl_progress_callback)
      .set(CURLOPT_XFERINFODATA, &transfer)
      .set(CURLOPT_NOPROGRESS, 0L);
  if (!options_.ca_bundle.empty()) {
    set.set(CURLOPT_CAINFO, options_.ca_bundle.c_str());
  }
  if (!options_.bearer_token.empty()) {
    set.set(CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BEARER))
        .set(CURLOPT_XOAUTH2_BEARER, options_.bearer_token.c_str());
  }
  const std::string range = std::to_string(request.range_start) + "-";
  if (request.range_start > 0) {
    set.set(CURLOPT_RANGE, range.c_str());  // copied by libcurl
  }
  if (!request.post_body.empty()) {
    set.set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.post_body.size()))
        .set(CURLOPT_COPYPOSTFIELDS, request.post_body.c_str());
  }
  return set.result();
}

CurlEasy CurlFetcher::acquire_handle() {
  {
    std::lock_guard lock(pool_mutex_);
    if (!idle_.empty()) {
      CurlEasy easy = std::move(idle_.back());
      idle_.pop_back();
      return easy;
    }
  }
  return CurlEasy(curl_easy_init());
}

// curl_easy_reset drops every option (the token included) but keeps the handle's connections.
void CurlFetcher::release_handle(CurlEasy easy) {
  curl_easy_reset(easy.get());
  std::lock_guard lock(pool_mutex_);
  if (idle_.size() < kMaxIdleHandles) {
    idle_.push_back(std::move(easy));
  }
}

Result<FetchResponse> CurlFetcher::fetch(const FetchRequest& request, const BodySink& sink,
                                         const std::atomic<bool>* cancel) {
  const std::string redacted = redact_url(request.url);
  if (has_line_break(request.url)) {
    return make_error(ErrorCode::kInvalidInput, "malformed URL " + redacted);
  }
  if (cancel != nullptr && cancel->load()) {
    return make_error(ErrorCode::kCancelled, "download cancelled (" + redacted + ")");
  }
  MIRRORD_TRY_ASSIGN(const CurlHeaderList headers, header_lines(request));
  CurlEasy easy = acquire_handle();
  if (!easy) {
    return make_error(ErrorCode::kInternal, "curl_easy_init failed");
  }
  CurlTransfer transfer(request, sink, cancel, redacted);
  std::array<char, CURL_ERROR_SIZE> error_buffer{};
  CURLcode code = configure(easy.get(), request, headers, transfer, error_buffer.data());
  if (code != CURLE_OK) {
    release_handle(std::move(easy));
    return curl_error(code, "cannot configure the transfer", redacted);
  }
  code = curl_easy_perform(easy.get());
  char* effective = nullptr;
  curl_easy_getinfo(easy.get(), CURLINFO_EFFECTIVE_URL, &effective);
  FetchResponse response = transfer.response();
  response.effective_url = redact_url(effective != nullptr ? effective : request.url);
  release_handle(std::move(easy));

  if (transfer.failure()) {
    return *transfer.failure();
  }
  if (code != CURLE_OK && !(code == CURLE_WRITE_ERROR && transfer.stopped_early())) {
    return curl_error(code, error_buffer.data(), redacted);
  }
  if (response.status == 0) {
    return make_error(ErrorCode::kUpstream, "no HTTP status line from " + redacted);
  }
  return response;
}

}  // namespace

std::unique_ptr<Fetcher> make_curl_fetcher(FetcherOptions options) {
  return std::make_unique<CurlFetcher>(std::move(options));
}

}  // namespace mirrord
