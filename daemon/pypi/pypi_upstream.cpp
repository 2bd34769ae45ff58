#include "daemon/pypi/pypi_upstream.hpp"

#include <algorithm>

#include "daemon/fetch/backoff.hpp"
#include "daemon/fetch/url.hpp"
#include "daemon/pypi/simple_html.hpp"
#include "daemon/pypi/simple_json.hpp"

namespace mirrord::pypi {
namespace {

Error http_error(const FetchResponse& response, const std::string& url) {
  const std::string detail =
      redact_url(url) + ": upstream answered HTTP " + std::to_string(response.status);
  if (response.status == 404 || response.status == 410) {
    return make_error(ErrorCode::kNotFound, detail);
  }
  if (response.status == 408 || response.status == 429 || response.status >= 500) {
    return make_error(ErrorCode::kUpstreamRetryable, detail);
  }
  return make_error(ErrorCode::kUpstream, detail);
}

std::string media_type(const FetchResponse& response) {
  std::string type = response.header("Content-Type").value_or("");
  type = type.substr(0, type.find(';'));
  std::transform(type.begin(), type.end(), type.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  type.erase(std::remove(type.begin(), type.end(), ' '), type.end());
  return type;
}

}  // namespace

std::string project_page_url(std::string_view index_url, std::string_view project) {
  std::string url(index_url);
  if (!url.ends_with('/')) {
    url += '/';
  }
  return url + std::string(project) + "/";
}

PypiUpstream::PypiUpstream(Fetcher& fetcher, UpstreamOptions options,
                           const std::atomic<bool>* cancel)
    : fetcher_(fetcher), options_(std::move(options)), cancel_(cancel) {
  if (!options_.sleep) {
    options_.sleep = sleep_unless_cancelled;
  }
}

Status PypiUpstream::with_retries(const std::function<Status()>& attempt) const {
  const int max_attempts = std::max(1, options_.max_attempts);
  for (int tries = 1;; ++tries) {
    if (cancelled()) {
      return make_error(ErrorCode::kCancelled, "cancelled");
    }
    Status status = attempt();
    if (status.ok() || !status.error().retryable() || tries >= max_attempts) {
      return status;
    }
    options_.sleep(jittered_backoff(tries, options_.base_delay, options_.max_delay), cancel_);
  }
}

Result<UpstreamPage> PypiUpstream::project_page(std::string_view index_url,
                                                std::string_view project) const {
  const std::string url = project_page_url(index_url, project);
  std::string body;
  FetchResponse response;
  MIRRORD_TRY(with_retries([&]() -> Status {
    body.clear();
    FetchRequest request;
    request.url = url;
    request.headers = {std::string("Accept: ") + kPageAccept};
    request.max_body_bytes = kMaxPageBytes;
    const BodySink sink = [&body](std::span<const std::byte> chunk) {
      body.append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
      return Status{};
    };
    MIRRORD_TRY_ASSIGN(response, fetcher_.fetch(request, sink, cancel_));
    if (response.status < 200 || response.status > 299) {
      return http_error(response, url);
    }
    return {};
  }));
  // Relative links resolve against where the page really was (after redirects).
  const std::string page_url = response.effective_url.empty() ? url : response.effective_url;
  const std::string type = media_type(response);
  Result<UpstreamPage> page = type.ends_with("+json") || type == "application/json"
                                  ? read_json_page(body, page_url)
                                  : read_html_page(body, page_url);
  if (!page) {
    return make_error(page.error().code, redact_url(url) + ": " + page.error().message);
  }
  return page;
}

Status PypiUpstream::download(const std::string& url, std::uint64_t max_bytes,
                              const std::function<Status()>& restart, const BodySink& sink) const {
  return with_retries([&]() -> Status {
    MIRRORD_TRY(restart());
    FetchRequest request;
    request.url = url;
    request.max_body_bytes = max_bytes;
    MIRRORD_TRY_ASSIGN(const FetchResponse response, fetcher_.fetch(request, sink, cancel_));
    if (response.status < 200 || response.status > 299) {
      return http_error(response, url);
    }
    return {};
  });
}

}  // namespace mirrord::pypi
