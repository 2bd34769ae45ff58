// Fuzzes the PEP 691 JSON reading of upstream project pages (daemon/pypi/simple_json.hpp) and the
// mirror's own project state (daemon/pypi/project_state.hpp), which is stored as JSON in the
// catalog. Properties: files that come out are as safe as from an HTML page; a state that parses
// re-encodes to JSON that parses to the same state.
//
// Input: a JSON document. Seeds: tests/fuzz/corpus/pypi_json.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/pypi/dist_filename.hpp"
#include "daemon/pypi/project_state.hpp"
#include "daemon/pypi/pypi_render.hpp"
#include "daemon/pypi/pypi_url.hpp"
#include "daemon/pypi/simple_json.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mirrord::pypi;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto page = read_json_page(input, "https://pypi.org/simple/demo/");
  if (page) {
    for (const UpstreamFile& file : page->files) {
      FUZZ_CHECK(filename_problem(file.filename).empty());
      FUZZ_CHECK(file.url.find('#') == std::string::npos);
      FUZZ_CHECK(url_host(file.url).has_value());
      FUZZ_CHECK(file.upload_time.empty() || file.upload_time.ends_with("Z"));
    }
  } else {
    FUZZ_CHECK(page.error().code == mirrord::ErrorCode::kInvalidInput);
  }
  const auto state = ProjectState::from_json(input);
  if (state) {
    const auto again = ProjectState::from_json(state->to_json());
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(again->files == state->files);
    FUZZ_CHECK(again->commit() == state->commit());
    (void)render_project_html(*state);
    (void)render_project_json(*state);
  }
  return 0;
}
