// Private to daemon/fetch: RAII owners of libcurl's C resources.
#pragma once

#include <curl/curl.h>

#include <memory>
#include <string>
#include <utility>

namespace mirrord {

struct CurlEasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;

// A curl_slist of header lines, freed on destruction.
class CurlHeaderList {
 public:
  CurlHeaderList() = default;
  ~CurlHeaderList() { curl_slist_free_all(list_); }
  CurlHeaderList(const CurlHeaderList&) = delete;
  CurlHeaderList& operator=(const CurlHeaderList&) = delete;
  CurlHeaderList(CurlHeaderList&& other) noexcept : list_(std::exchange(other.list_, nullptr)) {}
  CurlHeaderList& operator=(CurlHeaderList&& other) noexcept {
    std::swap(list_, other.list_);
    return *this;
  }

  // False when libcurl could not allocate the node (the list is left unchanged).
  bool append(const std::string& line) {
    curl_slist* grown = curl_slist_append(list_, line.c_str());
    if (grown == nullptr) {
      return false;
    }
    list_ = grown;
    return true;
  }
  curl_slist* get() const { return list_; }

 private:
  curl_slist* list_ = nullptr;
};

// curl_global_init, once per process, before the first easy handle (it is not thread-safe on
// every platform libcurl supports, so it must not race with handle creation).
void ensure_curl_initialized();

}  // namespace mirrord
