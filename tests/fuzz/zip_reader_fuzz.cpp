// libFuzzer target: the ZIP reader and the PyTorch-archive inspection on arbitrary bytes.
// Property: members that read cleanly have their recorded size and lie inside the archive.
// Seeds: corpus/zip_reader/ (the ZIP files of the pickle corpus and real torch archives).
#include <cstddef>
#include <cstdint>

#include "policies/inspect/file_inspector.hpp"
#include "policies/inspect/zip_reader.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const mirrord::MemoryByteSource source(std::span(reinterpret_cast<const std::byte*>(data), size));
  auto archive = mirrord::ZipArchive::open(source);
  if (archive) {
    for (const mirrord::ZipMember& member : archive->members()) {
      std::uint64_t produced = 0;
      const auto read = archive->read_member(member, [&](std::span<const std::byte> chunk) {
        produced += chunk.size();
        return mirrord::Status{};
      });
      // A member that reads cleanly has exactly its recorded size, inside the archive.
      FUZZ_CHECK(!read || produced == member.uncompressed_size);
      FUZZ_CHECK(member.data_offset + member.compressed_size <= size);
    }
  }
  (void)mirrord::inspect_zip_pickles(source, mirrord::InspectRules{});
  return 0;
}
