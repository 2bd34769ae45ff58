// Checks that a ranged response really continues where a resumed download stopped.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "daemon/fetch/fetcher.hpp"

namespace mirrord {

// The first byte position of a Content-Range value "bytes a-b/total" (or "bytes a-b/*");
// nullopt for anything else, including "bytes */total".
std::optional<std::uint64_t> content_range_start(std::string_view value);

// Whether a response carries the resource's bytes from exactly `range_start` on: a 200 only when
// nothing was asked to be skipped, a 206 only when its Content-Range starts at `range_start`.
// A server that ignores Range answers 200 with the whole body: appending that to the bytes
// already kept would corrupt them.
bool response_continues_at(const FetchResponse& response, std::uint64_t range_start);

}  // namespace mirrord
