// Fuzzes how a Hugging Face request path is read (daemon/hf/hf_serve_path.hpp): split while still
// encoded, each segment decoded once. Every reading must name a non-empty repo id without NUL
// (the catalog decides whether it exists), and the router's path check must refuse every dot
// segment, backslash and NUL.
//
// Input: a raw request path. Seeds: tests/fuzz/corpus/hf_serve_path.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/hf/hf_serve_path.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

using namespace mirrord::hf;

void check_reading(const HfReading& reading) {
  const std::string& id = reading.repo.name;
  FUZZ_CHECK(!id.empty());
  FUZZ_CHECK(id.find('\0') == std::string::npos);
  FUZZ_CHECK(!reading.repo.kind.empty());
  for (const std::string& segment : reading.tail) {
    FUZZ_CHECK(segment.find('\0') == std::string::npos);
  }
  if (reading.endpoint == HfEndpoint::kResolve) {
    FUZZ_CHECK(reading.tail.size() >= 2);  // a revision and a path
  }
  const std::string joined = join_segments(reading.tail, 0, reading.tail.size());
  if (is_safe_repo_path(joined)) {
    FUZZ_CHECK(joined.find("/../") == std::string::npos && !joined.starts_with("../") &&
               joined != ".." && !joined.ends_with("/..") &&
               joined.find('\\') == std::string::npos);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const HfPath path = parse_hf_path(input);
  if (path.kind == HfPathKind::kRepoRequest) {
    FUZZ_CHECK(!path.readings.empty() && path.readings.size() <= 2);
    for (const HfReading& reading : path.readings) {
      check_reading(reading);
    }
  } else {
    FUZZ_CHECK(path.readings.empty());
  }
  if (is_safe_repo_path(input)) {
    FUZZ_CHECK(!input.empty() && input.front() != '/' && input.find('\0') == std::string::npos);
  }
  return 0;
}
