// Fuzzes what the PyPI ecosystem reads from names and headers: distribution filenames
// (daemon/pypi/dist_filename.hpp), link resolution (daemon/pypi/pypi_url.hpp) and the Accept
// negotiation of index pages (daemon/pypi/pypi_negotiate.hpp). Properties: a distribution
// filename that parses is a safe URL segment and belongs to the project asked for; a resolved
// link is an absolute http(s) URL with a host.
//
// Input: a filename, an href or an Accept header. Seeds: tests/fuzz/corpus/pypi_names.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/pypi/dist_filename.hpp"
#include "daemon/pypi/pypi_negotiate.hpp"
#include "daemon/pypi/pypi_url.hpp"
#include "policies/pypi_names.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mirrord;
  using namespace mirrord::pypi;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // The project named by the input's first dash-separated part, and a fixed one.
  const std::string guessed = normalize_project_name(input.substr(0, input.find('-')));
  for (const std::string& project : {guessed, std::string("torch")}) {
    const auto dist = parse_dist_filename(input, project);
    if (dist) {
      FUZZ_CHECK(filename_problem(input).empty());
      FUZZ_CHECK(normalize_project_name(dist->distribution) == project);
      FUZZ_CHECK(dist->kind == DistKind::kSdist || !dist->tags.empty());
    }
  }
  for (const char* base : {"https://download.pytorch.org/whl/cu124/torch/", "http://[::1]:8/a"}) {
    const auto url = resolve_url(base, input);
    if (url) {
      FUZZ_CHECK(url->starts_with("http://") || url->starts_with("https://"));
      FUZZ_CHECK(url_host(*url).has_value());
    }
  }
  (void)negotiate_format(input, std::nullopt);
  (void)url_filename(input);
  return 0;
}
