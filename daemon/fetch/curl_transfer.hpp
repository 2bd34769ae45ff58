// Private to daemon/fetch: the state of one libcurl transfer and the callbacks that fill it.
//
// libcurl reports the headers of every response it sees while following redirects (and of any
// 1xx interim response). Each status line starts a new response, so only the final response's
// headers remain. Body bytes reach the sink only when the final response is a 2xx that continues
// exactly at the requested range start; other bodies are read and dropped (bounded), so the
// caller still gets their status and headers.
#pragma once

#include <curl/curl.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "daemon/fetch/fetcher.hpp"

namespace mirrord {

class CurlTransfer {
 public:
  // Past these, a response's headers are hostile, not informative.
  static constexpr std::size_t kMaxHeaderBytes = 256 * 1024;
  static constexpr std::size_t kMaxHeaderCount = 256;
  // Bytes of an unwanted body (an error page, a refused range) read before giving up on it.
  static constexpr std::uint64_t kMaxDiscardedBytes = 1 << 20;

  CurlTransfer(const FetchRequest& request, const BodySink& sink, const std::atomic<bool>* cancel,
               std::string redacted_url);

  // One header line as libcurl delivers it (with its CRLF). False aborts the transfer.
  bool on_header_line(std::string_view line);
  // A chunk of the final response's body. False aborts the transfer.
  bool on_body(std::span<const std::byte> chunk);
  // Polled by libcurl during the transfer. False aborts it.
  bool keep_going();

  // Set when this side aborted the transfer: then this error is the fetch's result.
  const std::optional<Error>& failure() const { return failure_; }
  // True when the transfer was stopped because its body was not wanted: the response stands.
  bool stopped_early() const { return stopped_early_; }
  // The final response as received so far.
  const FetchResponse& response() const { return response_; }

 private:
  enum class BodyUse { kUndecided, kSink, kDiscard };

  BodyUse decide_body_use();
  bool fail(ErrorCode code, std::string message);
  bool cancelled() const { return cancel_ != nullptr && cancel_->load(); }

  const FetchRequest& request_;
  const BodySink& sink_;
  const std::atomic<bool>* cancel_;
  std::string redacted_url_;

  FetchResponse response_;
  std::size_t header_bytes_ = 0;
  BodyUse body_use_ = BodyUse::kUndecided;
  std::uint64_t discarded_bytes_ = 0;
  std::optional<Error> failure_;
  bool stopped_early_ = false;
};

// Trampolines with the signatures libcurl expects; `user` is the CurlTransfer.
std::size_t curl_header_callback(char* data, std::size_t size, std::size_t count, void* user);
std::size_t curl_write_callback(char* data, std::size_t size, std::size_t count, void* user);
int curl_progress_callback(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t);

}  // namespace mirrord
