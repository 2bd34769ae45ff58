#include "daemon/fetch/offline_fetcher.hpp"

#include "daemon/fetch/url.hpp"

namespace mirrord {
namespace {

class OfflineFetcher final : public Fetcher {
 public:
  Result<FetchResponse> fetch(const FetchRequest& request, const BodySink& /*sink*/,
                              const std::atomic<bool>* /*cancel*/) override {
    const std::string upstream = url_origin(request.url).value_or(redact_url(request.url));
    return make_error(ErrorCode::kUpstreamRetryable,
                      "offline: " + upstream + " not contacted (mirrord runs offline)");
  }
};

}  // namespace

std::unique_ptr<Fetcher> make_offline_fetcher() {
  return std::make_unique<OfflineFetcher>();
}

}  // namespace mirrord
