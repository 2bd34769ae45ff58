// Fuzzes the deb822 control-file parser (daemon/apt/deb822.hpp) that reads upstream Release and
// Packages text, and the Release and Packages readers built on it.
//
// Properties: the parser fails only with kInvalidInput; what it accepts has valid, unique field
// names and survives a round trip (written back in deb822 form, it parses to the same stanzas);
// every entry a Release or Packages reader accepts has a safe relative path.
//
// Input: control-file text. Seeds: tests/fuzz/corpus/apt_deb822.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "daemon/apt/deb822.hpp"
#include "daemon/apt/packages.hpp"
#include "daemon/apt/release.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

using namespace mirrord;
using namespace mirrord::apt;

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

// deb822 text that parses back to `stanzas`.
std::string write_back(const std::vector<Deb822Stanza>& stanzas) {
  std::string text;
  for (const Deb822Stanza& stanza : stanzas) {
    for (const Deb822Field& field : stanza.fields()) {
      text += field.name + ":";
      const std::size_t newline = field.value.find('\n');
      const std::string_view first = std::string_view(field.value).substr(0, newline);
      if (!first.empty()) {
        text += " " + std::string(first);
      }
      if (newline != std::string::npos) {
        std::string_view rest = std::string_view(field.value).substr(newline + 1);
        for (;;) {
          const std::size_t end = rest.find('\n');
          text += "\n " + std::string(rest.substr(0, end));
          if (end == std::string_view::npos) {
            break;
          }
          rest.remove_prefix(end + 1);
        }
      }
      text += "\n";
    }
    text += "\n";
  }
  return text;
}

void check_stanzas(std::string_view input) {
  const auto stanzas = parse_deb822(input);
  if (!stanzas) {
    FUZZ_CHECK(stanzas.error().code == ErrorCode::kInvalidInput);
    return;
  }
  for (const Deb822Stanza& stanza : *stanzas) {
    FUZZ_CHECK(!stanza.fields().empty());
    std::set<std::string> names;
    for (const Deb822Field& field : stanza.fields()) {
      FUZZ_CHECK(!field.name.empty() && field.name.find(':') == std::string::npos);
      FUZZ_CHECK(names.insert(lower(field.name)).second);
      FUZZ_CHECK(stanza.get(field.name).has_value());
    }
  }
  // Written back, a line may be one byte longer ("A:x" becomes "A: x"): relax the limits.
  Deb822Limits relaxed;
  relaxed.max_line_bytes *= 2;
  relaxed.max_stanza_bytes *= 2;
  const auto again = parse_deb822(write_back(*stanzas), relaxed);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again->size() == stanzas->size());
  for (std::size_t i = 0; i < stanzas->size(); ++i) {
    const auto& before = (*stanzas)[i].fields();
    const auto& after = (*again)[i].fields();
    FUZZ_CHECK(before.size() == after.size());
    for (std::size_t j = 0; j < before.size(); ++j) {
      FUZZ_CHECK(before[j].name == after[j].name && before[j].value == after[j].value);
    }
  }
}

void check_readers(std::string_view input) {
  if (const auto release = parse_release(input)) {
    for (const auto& [path, entry] : release->entries) {
      FUZZ_CHECK(path == entry.path && is_safe_relative_path(path));
    }
  }
  (void)for_each_package(input, [](PackageEntry&& entry) {
    FUZZ_CHECK(is_safe_relative_path(entry.filename));
    FUZZ_CHECK(!entry.filename.starts_with("dists/"));
    for (const auto& group : entry.depends) {
      FUZZ_CHECK(!group.empty());
    }
    return Status{};
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_stanzas(input);
  check_readers(input);
  return 0;
}
