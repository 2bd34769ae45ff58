// Dates in Release files: RFC 2822 as apt-ftparchive and dak write them, e.g.
// "Sat, 10 Jun 2023 09:24:55 UTC" or "Sat, 28 Nov 2026 21:38:39 +0000".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mirrord::apt {

// Unix seconds, or nullopt when the text is not such a date. The weekday is optional; the zone
// is UTC, GMT, Z or a numeric offset (+hhmm / -hhmm).
std::optional<std::int64_t> parse_release_date(std::string_view text);

// "Sat, 28 Nov 2026 21:38:39 UTC" (the form Debian's own archive uses).
std::string format_release_date(std::int64_t unix_seconds);

}  // namespace mirrord::apt
