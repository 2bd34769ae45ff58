// Fuzzes the PEP 503 HTML reading of upstream index pages (daemon/pypi/html_scan.hpp,
// simple_html.hpp) and the character-reference codec (daemon/pypi/html_text.hpp).
// Properties: every file that comes out has a safe filename and an absolute http(s) URL without
// fragment or credentials on a host the allow-list can judge; escaping then decoding gives the
// text back; the scan never yields more than its limits.
//
// Input: an HTML page. Seeds: tests/fuzz/corpus/pypi_html.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/pypi/dist_filename.hpp"
#include "daemon/pypi/html_scan.hpp"
#include "daemon/pypi/html_text.hpp"
#include "daemon/pypi/pypi_url.hpp"
#include "daemon/pypi/simple_html.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

using namespace mirrord::pypi;

void check_file(const UpstreamFile& file) {
  FUZZ_CHECK(filename_problem(file.filename).empty());
  FUZZ_CHECK(file.url.starts_with("http://") || file.url.starts_with("https://"));
  FUZZ_CHECK(file.url.find('#') == std::string::npos);
  FUZZ_CHECK(url_host(file.url).has_value());
  FUZZ_CHECK(file.upload_time.empty() || file.upload_time.ends_with("Z"));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const HtmlScan scan = scan_html(input);
  FUZZ_CHECK(scan.anchors.size() <= kMaxHtmlAnchors);
  for (const HtmlAnchor& anchor : scan.anchors) {
    FUZZ_CHECK(anchor.attribute("href") != nullptr);
    FUZZ_CHECK(anchor.attributes.size() <= kMaxHtmlAttributes);
  }
  for (const char* page_url :
       {"https://download.pytorch.org/whl/cu124/torch/", "http://127.0.0.1:1/s/p/"}) {
    const auto page = read_html_page(input, page_url);
    if (page) {
      for (const UpstreamFile& file : page->files) {
        check_file(file);
      }
    }
  }
  FUZZ_CHECK(decode_entities(escape_html(input)) == input);
  return 0;
}
