// Where a model's licence is declared: the `license` of the repo metadata (the Hub's cardData,
// or a "license:ID" tag), else the YAML front matter of its README.md (the model card).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mirrord {

struct FoundLicense {
  std::vector<std::string> ids;  // lower-case licence ids, e.g. {"apache-2.0"}
  std::string source;            // "repo metadata" or "model card"
};

// From the allow-listed repo metadata (hf_json: "license", "tags").
std::optional<FoundLicense> license_from_info(std::string_view info_json);
// From a model card's front matter: `license: ID`, `license: [A, B]` or a `- ID` list.
std::optional<FoundLicense> license_from_card(std::string_view readme);

}  // namespace mirrord
