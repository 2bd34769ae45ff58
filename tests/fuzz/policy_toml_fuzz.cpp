// Fuzzes policy files (PolicySet::parse_text): any text gives policies or an error naming the
// file; every accepted policy has a name, a known source and a single-flight key, and resolving
// an ad-hoc target from the same bytes never crashes.
//
// Input: TOML text. Seeds: tests/fuzz/corpus/policy_toml.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "policies/policy.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto policies = mirrord::PolicySet::parse_text(text, "fuzz.toml");
  if (!policies) {
    FUZZ_CHECK(policies.error().message.find("fuzz.toml") != std::string::npos);
  } else {
    for (const mirrord::Policy& policy : *policies) {
      FUZZ_CHECK(!policy.name.empty());
      FUZZ_CHECK(!policy.source.empty());
      FUZZ_CHECK(!policy.key().empty());
      if (policy.source == "hf") {
        (void)policy.hf.selects(policy.name);
      }
      if (policy.ops.schedule) {  // a parsed schedule always has a later run
        FUZZ_CHECK(policy.ops.schedule->next_after(1'800'000'000) > 1'800'000'000);
      }
    }
  }
  // The same bytes as a command-line target ("hf:ORG/NAME@REV", "pypi:NAME", "git:URL").
  if (size <= 4096) {
    (void)mirrord::parse_adhoc_target(text);
    (void)mirrord::parse_adhoc_pypi_target(text);
    (void)mirrord::parse_adhoc_git_target(text);
  }
  return 0;
}
