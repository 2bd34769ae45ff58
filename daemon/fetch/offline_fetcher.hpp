// The fetcher of an offline daemon (`mirrord --offline`, [upstream] offline): every fetch is
// refused at once, before any name is resolved or socket opened, with an error saying which
// upstream was not contacted. The error is kUpstreamRetryable, as for an unreachable upstream, so
// that an apt pull in resign mode takes its cut-off path and re-signs the held snapshot.
#pragma once

#include <memory>

#include "daemon/fetch/fetcher.hpp"

namespace mirrord {

std::unique_ptr<Fetcher> make_offline_fetcher();

}  // namespace mirrord
