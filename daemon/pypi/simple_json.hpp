// Reading an upstream PEP 691 project page (JSON, API 1.x): files[] with filename, url (resolved
// against the page URL), hashes.sha256, requires-python, yanked, size, upload-time.
#pragma once

#include <string_view>

#include "daemon/pypi/simple_page.hpp"
#include "storage/result.hpp"

namespace mirrord::pypi {

// Nesting deeper than this is refused before parsing (real pages are 4 levels deep).
inline constexpr int kMaxJsonDepth = 32;

// kInvalidInput for a document that is not JSON, not an object, too deeply nested, or of an API
// major version other than 1; bad file entries are skipped and listed in problems.
Result<UpstreamPage> read_json_page(std::string_view body, std::string_view page_url);

}  // namespace mirrord::pypi
