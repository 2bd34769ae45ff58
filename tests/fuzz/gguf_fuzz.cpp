// libFuzzer target: the GGUF validator on arbitrary bytes.
// Property: an admitted file's data section starts aligned, inside the file. Seeds: corpus/gguf/
// (the tiny Qwen GGUF and crafted headers).
#include <cstddef>
#include <cstdint>

#include "policies/inspect/gguf_validator.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const mirrord::MemoryByteSource source(std::span(reinterpret_cast<const std::byte*>(data), size));
  const auto summary = mirrord::validate_gguf(source);
  if (summary) {
    FUZZ_CHECK(summary->data_offset <= size);
    FUZZ_CHECK(summary->alignment != 0 && (summary->alignment & (summary->alignment - 1)) == 0);
    FUZZ_CHECK(summary->data_offset % summary->alignment == 0);
  }
  return 0;
}
