#include "daemon/pypi/simple_html.hpp"

#include "daemon/pypi/html_scan.hpp"
#include "daemon/pypi/pypi_url.hpp"

namespace mirrord::pypi {
namespace {

// Where relative links point from: <base href> (itself relative to the page), else the page.
std::string base_url(const HtmlScan& scan, std::string_view page_url) {
  if (scan.base_href) {
    if (auto base = resolve_url(page_url, *scan.base_href)) {
      return std::string(without_fragment(*base));
    }
  }
  return std::string(page_url);
}

std::string describe(const std::string& href) {
  return "link '" + href.substr(0, 120) + (href.size() > 120 ? "...'" : "'");
}

void read_anchor(const HtmlAnchor& anchor, const std::string& base, PageBuilder& page) {
  const std::string& href = *anchor.attribute("href");
  const std::optional<std::string> url = resolve_url(base, href);
  if (!url) {
    page.problem(describe(href) + " is not a usable http(s) URL; skipped");
    return;
  }
  const std::optional<std::string> filename = url_filename(*url);
  if (!filename) {
    page.problem(describe(href) + " names no file; skipped");
    return;
  }
  UpstreamFile file;
  file.filename = *filename;
  file.url = std::string(without_fragment(*url));
  auto claim = parse_hash_claim(fragment_of(*url));
  if (!claim) {
    page.problem(describe(href) + " carries a malformed sha256; skipped");
    return;
  }
  file.sha256 = *claim;
  if (const std::string* requires_python = anchor.attribute("data-requires-python")) {
    file.requires_python = *requires_python;
  }
  if (const std::string* yanked = anchor.attribute("data-yanked")) {
    file.yanked = *yanked;
  }
  if (const std::string* upload_time = anchor.attribute("data-upload-time")) {
    file.upload_time = normalize_upload_time(*upload_time);
  }
  page.add(std::move(file));
}

}  // namespace

Result<UpstreamPage> read_html_page(std::string_view html, std::string_view page_url) {
  const HtmlScan scan = scan_html(html);
  if (scan.repository_version && !supported_api_version(*scan.repository_version)) {
    return make_error(ErrorCode::kInvalidInput, "the page declares repository API version '" +
                                                    scan.repository_version->substr(0, 20) +
                                                    "'; only 1.x can be read (PEP 629)");
  }
  const std::string base = base_url(scan, page_url);
  PageBuilder page;
  for (const HtmlAnchor& anchor : scan.anchors) {
    read_anchor(anchor, base, page);
  }
  if (scan.truncated) {
    page.problem(
        "the page ends in broken markup or holds too many links; links after that "
        "point are not read");
  }
  return page.finish();
}

}  // namespace mirrord::pypi
