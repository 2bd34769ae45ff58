// Content negotiation of index pages (PEP 691, protocols/pypi.md §2): which representation a
// request gets, from `?format=` when given, else from Accept with q-values and specificity.
#pragma once

#include <optional>
#include <string_view>

namespace mirrord::pypi {

enum class PageFormat { kJson, kHtml, kTextHtml };

// nullopt: nothing acceptable (answer 406). A missing Accept means "*/*", which gets text/html
// (every client generation reads it); among equally wanted exact types JSON wins, then
// v1+html, then text/html.
std::optional<PageFormat> negotiate_format(std::optional<std::string_view> accept,
                                           std::optional<std::string_view> format_parameter);

// The Content-Type sent for a format: the concrete API v1 type, or text/html.
const char* content_type_of(PageFormat format);

}  // namespace mirrord::pypi
