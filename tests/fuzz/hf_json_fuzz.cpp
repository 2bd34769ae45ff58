// Fuzzes the parsing of Hugging Face upstream JSON (daemon/hf/hf_json.hpp): the revision document,
// a tree page, the Link header, and the path and repo-id validators every manifest goes through.
// What comes out must be as safe as the header promises: valid ids, 40-hex commits, paths that the
// serving side would also accept, and metadata we re-encode ourselves.
//
// Input: a response body (or header value). Seeds: tests/fuzz/corpus/hf_json.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/hf/hf_json.hpp"
#include "daemon/hf/hf_serve_path.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

using namespace mirrord;

bool is_lower_hex40(const std::string& text) {
  return text.size() == 40 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

void check_revision(std::string_view body) {
  const auto info = parse_hf_revision(body);
  if (!info) {
    FUZZ_CHECK(info.error().code == ErrorCode::kInvalidInput);
    return;
  }
  FUZZ_CHECK(is_valid_repo_id(info->id));
  FUZZ_CHECK(is_lower_hex40(info->sha));
  const auto reencoded = nlohmann::json::parse(info->info_json, nullptr, false);
  FUZZ_CHECK(!reencoded.is_discarded() && reencoded.is_object());
  FUZZ_CHECK(info->info_json.find("://") == std::string::npos);
}

void check_tree(std::string_view body) {
  const auto entries = parse_hf_tree_page(body);
  if (!entries) {
    FUZZ_CHECK(entries.error().code == ErrorCode::kInvalidInput);
    return;
  }
  for (const ManifestEntry& entry : *entries) {
    FUZZ_CHECK(check_repo_path(entry.path).ok());
    FUZZ_CHECK(hf::is_safe_repo_path(entry.path));
    FUZZ_CHECK(!entry.lfs || entry.sha256.has_value());
  }
  (void)check_manifest_paths(*entries);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_revision(input);
  check_tree(input);
  (void)parse_link_next(input);
  // The upstream's path rule is at least as strict as the one the serving side applies.
  if (check_repo_path(input).ok()) {
    FUZZ_CHECK(hf::is_safe_repo_path(input));
  }
  if (is_valid_repo_id(input)) {
    FUZZ_CHECK(input.find("..") == std::string_view::npos);
    FUZZ_CHECK(input.find('\\') == std::string_view::npos && !input.starts_with("/"));
  }
  return 0;
}
