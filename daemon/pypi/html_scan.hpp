// A tolerant, linear-time scan of an HTML page for what a PEP 503 client reads: the <a> elements
// (attributes and text), <base href>, and <meta name="pypi:repository-version">.
//
// It is not an HTML5 parser; it follows the same tokenizing rules where they matter here:
// comments, <!DOCTYPE>, raw text of <script>/<style>, quoted and unquoted attribute values,
// case-insensitive names, the first of repeated attributes winning, and character references
// decoded in values and text. Broken markup never throws and never loops: an unterminated
// comment or quote ends the scan, and every step moves forward, so a page costs O(size).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mirrord::pypi {

struct HtmlAnchor {
  std::vector<std::pair<std::string, std::string>> attributes;  // lower-case names, decoded values
  std::string text;                                             // decoded, trimmed

  // The value of attribute `name` (lower case), if present.
  const std::string* attribute(std::string_view name) const;
};

struct HtmlScan {
  std::vector<HtmlAnchor> anchors;  // those with an href, in page order
  std::optional<std::string> base_href;
  std::optional<std::string> repository_version;
  bool truncated = false;  // the scan stopped at broken markup or at the anchor limit
};

inline constexpr std::size_t kMaxHtmlAnchors = 200000;
inline constexpr std::size_t kMaxHtmlAttributes = 64;

HtmlScan scan_html(std::string_view html);

}  // namespace mirrord::pypi
