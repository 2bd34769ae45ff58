// libFuzzer target: the safetensors validator on arbitrary bytes.
// Property: an admitted file is exactly 8 + N + data bytes. Seeds: corpus/safetensors/ (the tiny
// Qwen shards and crafted headers).
#include <cstddef>
#include <cstdint>

#include "policies/inspect/safetensors_validator.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const mirrord::MemoryByteSource source(std::span(reinterpret_cast<const std::byte*>(data), size));
  const auto summary = mirrord::validate_safetensors(source);
  if (summary) {
    // Admitted means the tensors fill the file exactly: header length, header, data.
    FUZZ_CHECK(8 + summary->header_length + summary->data_bytes == size);
    FUZZ_CHECK(summary->header_length <= mirrord::kMaxSafetensorsHeader);
  }
  return 0;
}
