// libFuzzer target: the pickle scanner (policies/inspect/pickle_scanner.hpp) on arbitrary bytes.
// Property: an admitted stream imports only allowlisted names and was read to its end (or is a
// legacy torch file). Seeds: corpus/pickle_scanner/ (the picklescan test corpus and torch weights).
#include <cstddef>
#include <cstdint>

#include "policies/inspect/pickle_scanner.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const mirrord::MemoryByteSource source(std::span(reinterpret_cast<const std::byte*>(data), size));
  mirrord::PickleScanLimits limits;
  limits.max_stack = 1u << 12;  // keep each run small; the limits themselves are under test
  limits.max_memo = 1u << 12;
  mirrord::ByteReader reader(source);
  const auto scan = mirrord::scan_pickles(reader, limits);
  if (scan) {
    // Admitted means every import is on the allowlist, and the scan read what it claims.
    for (const std::string& name : scan->imports) {
      FUZZ_CHECK(mirrord::is_allowed_pickle_import(name));
    }
    FUZZ_CHECK(scan->end <= size && scan->pickles >= 1);
    FUZZ_CHECK(scan->legacy_torch || scan->end == size);
  }
  return 0;
}
