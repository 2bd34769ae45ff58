// Fuzzes PEP 440 versions and specifiers (policies/pypi_version.hpp) and Requires-Dist values
// (daemon/pypi/requirement.hpp). Properties: a parsed version prints in a normal form that parses
// to an equal version and prints the same; comparison is antisymmetric; a version always matches
// "==" itself; requirement names are valid and normalized.
//
// Input: a version, a specifier set or a requirement line. Seeds: tests/fuzz/corpus/pypi_version.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/pypi/requirement.hpp"
#include "policies/pypi_names.hpp"
#include "policies/pypi_version.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

using namespace mirrord;

const char* const kProbes[] = {"0",     "1.0",       "1.0rc1",      "1.0.post1",        "1.0.dev1",
                               "2!1.0", "1.0+local", "2.6.0+cu124", "10.0a1.post2.dev3"};

void check_version(std::string_view input) {
  const auto version = Pep440Version::parse(input);
  if (!version) {
    return;
  }
  const std::string normal = version->str();
  const auto reparsed = Pep440Version::parse(normal);
  FUZZ_CHECK(reparsed.has_value());
  FUZZ_CHECK(compare_versions(*reparsed, *version) == 0);
  FUZZ_CHECK(reparsed->str() == normal);
  for (const char* probe_text : kProbes) {
    const Pep440Version probe = *Pep440Version::parse(probe_text);
    FUZZ_CHECK(compare_versions(*version, probe) == -compare_versions(probe, *version));
  }
  const auto exact = SpecifierSet::parse("==" + normal);
  FUZZ_CHECK(exact.ok());
  FUZZ_CHECK(exact->contains(*version, true));
}

void check_specifiers(std::string_view input) {
  const auto set = SpecifierSet::parse(input);
  if (!set) {
    FUZZ_CHECK(set.error().code == ErrorCode::kInvalidInput);
    return;
  }
  for (const char* probe_text : kProbes) {
    (void)set->contains(*Pep440Version::parse(probe_text), false);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_version(input);
  check_specifiers(input);
  const auto requirement = pypi::parse_requirement(input);
  if (requirement) {
    FUZZ_CHECK(requirement->name == normalize_project_name(requirement->name));
    FUZZ_CHECK(!requirement->name.empty());
  }
  FUZZ_CHECK(normalize_project_name(normalize_project_name(input)) ==
             normalize_project_name(input));
  return 0;
}
