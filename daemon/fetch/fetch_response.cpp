// FetchResponse::header, declared in fetcher.hpp.
#include <algorithm>
#include <cctype>

#include "daemon/fetch/fetcher.hpp"

namespace mirrord {
namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

}  // namespace

// The first header of that name: a repeated header is not merged, so callers see what the
// server put first (repetition of the fields we read is a server bug, not a feature).
std::optional<std::string> FetchResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (equals_ignoring_case(key, name)) {
      return value;
    }
  }
  return std::nullopt;
}

}  // namespace mirrord
