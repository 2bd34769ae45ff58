// Fuzzes the strict clearsigned-message splitter (daemon/apt/clearsign.hpp) that guards every
// InRelease before gpgv sees it.
//
// Properties: it fails only with kInvalidInput; what it accepts has no NUL byte, a signature block
// from BEGIN to END, and text made of whole lines; re-armoring the parts (dash-escaping every
// line that starts with '-') gives a message that splits to the same parts.
//
// Input: an InRelease file. Seeds: tests/fuzz/corpus/apt_clearsign.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/apt/clearsign.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

using namespace mirrord;
using namespace mirrord::apt;

std::string rearmor(const ClearsignedMessage& message) {
  std::string text = "-----BEGIN PGP SIGNED MESSAGE-----\n";
  for (const std::string& hash : message.hash_algorithms) {
    text += "Hash: " + hash + "\n";
  }
  text += "\n";
  std::size_t start = 0;
  while (start < message.text.size()) {
    const std::size_t end = message.text.find('\n', start);
    const std::string_view line = std::string_view(message.text).substr(start, end - start);
    text += (line.starts_with("-") ? "- " : "") + std::string(line) + "\n";
    start = end + 1;
  }
  return text + message.signature;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto message = split_clearsigned(input);
  if (!message) {
    FUZZ_CHECK(message.error().code == ErrorCode::kInvalidInput);
    return 0;
  }
  FUZZ_CHECK(message->signature.starts_with("-----BEGIN PGP SIGNATURE-----\n"));
  FUZZ_CHECK(message->signature.ends_with("-----END PGP SIGNATURE-----\n"));
  FUZZ_CHECK(message->text.empty() || message->text.back() == '\n');
  FUZZ_CHECK(input.find('\0') == std::string_view::npos);
  const auto again = split_clearsigned(rearmor(*message));
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again->text == message->text);
  FUZZ_CHECK(again->signature == message->signature);
  FUZZ_CHECK(again->hash_algorithms == message->hash_algorithms);
  FUZZ_CHECK(without_trailing_blanks(message->text).size() <= message->text.size());
  return 0;
}
